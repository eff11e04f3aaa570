// The Google REST endpoints the preflight and smoke checks call, each with the page that documents it.

/** Scope every call below accepts. Source: https://developers.google.com/identity/protocols/oauth2/scopes */
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

// GET, `names` repeated (projects/P/services/S). Source: https://cloud.google.com/service-usage/docs/reference/rest/v1/services/batchGet
export const servicesBatchGetUrl = (project: string, services: readonly string[]): string =>
  `https://serviceusage.googleapis.com/v1/projects/${project}/services:batchGet?${services
    .map((s) => `names=${encodeURIComponent(`projects/${project}/services/${s}`)}`)
    .join("&")}`;

/** "A single request can get a maximum of 30 services at a time." Source: https://cloud.google.com/service-usage/docs/reference/rest/v1/services/batchGet */
export const BATCH_GET_MAX = 30;

// GET; 200 with a FirebaseProject, 403/404 when Firebase was never added.
// Source: https://firebase.google.com/docs/reference/firebase-management/rest/v1beta1/projects/get
export const firebaseProjectUrl = (project: string): string =>
  `https://firebase.googleapis.com/v1beta1/projects/${project}`;

// POST {permissions} (no wildcards): the subset the caller holds; calling it needs no permission.
// Source: https://cloud.google.com/resource-manager/reference/rest/v1/projects/testIamPermissions
export const testIamPermissionsUrl = (project: string): string =>
  `https://cloudresourcemanager.googleapis.com/v1/projects/${project}:testIamPermissions`;

// The project method's page states no bound per call; batches of 100 keep each request small whatever
// the list grows to. Source: https://cloud.google.com/resource-manager/reference/rest/v1/projects/testIamPermissions
export const TEST_IAM_MAX = 100;

// Global host without a location prefix, regional hosts with one.
// Source: https://docs.cloud.google.com/vertex-ai/docs/generative-ai/learn/locations
export const vertexHost = (location: string): string =>
  location === "global" ? "https://aiplatform.googleapis.com" : `https://${location}-aiplatform.googleapis.com`;

// POST {contents}: returns {totalTokens}, nothing generated; 404 NOT_FOUND when the model is not served there.
// Source: https://cloud.google.com/vertex-ai/docs/generative-ai/multimodal/get-token-count
export const countTokensPath = (project: string, location: string, model: string): string =>
  `/v1/projects/${project}/locations/${location}/publishers/google/models/${model}:countTokens`;

// GET a Model Garden publisher model, `publishers/*/models/*`, on a regional host (read-only).
// Source: https://cloud.google.com/vertex-ai/docs/reference/rest/v1beta1/publishers.models/get
export const publisherModelPath = (model: string): string => `/v1beta1/publishers/google/models/${model}`;

// POST {token, returnSecureToken: true} with `?key=<web API key>`: a custom token for an ID token.
// Source: https://cloud.google.com/identity-platform/docs/use-rest-api (and .../rest/v1/accounts/signInWithCustomToken)
export const signInWithCustomTokenUrl = (apiKey: string, emulatorHost?: string): string =>
  `${emulatorHost ? `http://${emulatorHost}/` : "https://"}identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=${encodeURIComponent(apiKey)}`;

// POST with an empty body; answers the Queue, whose `state` is then PAUSED or RUNNING. Needs
// cloudtasks.queues.pause / cloudtasks.queues.resume on the queue. A paused queue keeps accepting tasks.
// Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues/pause
// Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues/resume
export const CLOUD_TASKS_BASE = "https://cloudtasks.googleapis.com";
export const queueActionUrl = (base: string, queuePath: string, action: "pause" | "resume"): string =>
  `${base}/v2/${queuePath}:${action}`;

// google-auth-library's getTokenInfo asks https://oauth2.googleapis.com/tokeninfo about an access
// token; its `email` is present only when the token carries the email scope, so ask for it.
// Source: https://github.com/googleapis/google-auth-library-nodejs/blob/main/src/auth/oauth2client.ts (getTokenInfo)
// Source: https://hexdocs.pm/google_api_o_auth2/0.0.1/GoogleApi.OAuth2.V2.Model.Tokeninfo.html (email)
export const USERINFO_EMAIL_SCOPE = "https://www.googleapis.com/auth/userinfo.email";
