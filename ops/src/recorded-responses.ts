// Google's answers as recorded from the APIs the preflight calls (project ids and numbers replaced),
// for the tests: success bodies, and the error bodies Google sends for each failure the preflight names.

export const PROJECT = "genai-dev-123";
const NUMBER = "123456789012";

/** services:batchGet: the names come back under the project number. */
export function batchGetAnswer(states: Record<string, "ENABLED" | "DISABLED">) {
  return {
    services: Object.entries(states).map(([service, state]) => ({
      name: `projects/${NUMBER}/services/${service}`,
      config: { name: service, title: service.split(".")[0] },
      state,
      parent: `projects/${NUMBER}`,
    })),
  };
}

/** Any API called on a project where that API is off: 403 with an ErrorInfo of reason SERVICE_DISABLED. */
export function serviceDisabled(service: string, title: string) {
  return {
    error: {
      code: 403,
      message: `${title} has not been used in project ${NUMBER} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/${service}/overview?project=${NUMBER} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
      status: "PERMISSION_DENIED",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "SERVICE_DISABLED",
          domain: "googleapis.com",
          metadata: { service, consumer: `projects/${NUMBER}` },
        },
      ],
    },
  };
}

export const PERMISSION_DENIED = {
  error: { code: 403, message: "The caller does not have permission", status: "PERMISSION_DENIED" },
};

export const FIREBASE_PROJECT = {
  projectId: PROJECT,
  projectNumber: NUMBER,
  displayName: "genai dev",
  name: `projects/${PROJECT}`,
  resources: { hostingSite: PROJECT },
  state: "ACTIVE",
};

export const ENTITY_NOT_FOUND = {
  error: { code: 404, message: "Requested entity was not found.", status: "NOT_FOUND" },
};

/** Vertex AI's answer for a model it does not serve in that location (or at all). */
export function modelNotFound(location: string, model: string) {
  return {
    error: {
      code: 404,
      message: `Publisher Model \`projects/${PROJECT}/locations/${location}/publishers/google/models/${model}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`,
      status: "NOT_FOUND",
    },
  };
}

export const COUNT_TOKENS = { totalTokens: 2, promptTokensDetails: [{ modality: "TEXT", tokenCount: 2 }] };

export function publisherModel(model: string) {
  return {
    name: `publishers/google/models/${model}`,
    versionId: "001",
    openSourceCategory: "PROPRIETARY",
    launchStage: "GA",
    publisherModelTemplate: `projects/{project}/locations/{location}/publishers/google/models/${model}`,
  };
}
