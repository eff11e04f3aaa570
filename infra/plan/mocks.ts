// Pulumi runtime mocks for the offline plan and the infra tests: plausible computed outputs for
// the resources and lookups the program reads (emails, URLs, service names, writer identity).
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/** Project number the mocks report for `gcp.organizations.getProject`. */
export const MOCK_PROJECT_NUMBER = "123456789012";

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);

export function mockOutputs(args: pulumi.runtime.MockResourceArgs, project: string, region: string) {
  const inputs = args.inputs as Record<string, any>;
  const state: Record<string, unknown> = { ...inputs };
  switch (args.type) {
    case "gcp:serviceaccount/account:Account": {
      const email = `${inputs.accountId}@${inputs.project ?? project}.iam.gserviceaccount.com`;
      Object.assign(state, {
        email,
        member: `serviceAccount:${email}`,
        name: `projects/${inputs.project ?? project}/serviceAccounts/${email}`,
        uniqueId: shortHash(email),
      });
      break;
    }
    case "gcp:cloudfunctionsv2/function:Function": {
      const location = inputs.location ?? region;
      Object.assign(state, {
        url: `https://${location}-${inputs.project ?? project}.cloudfunctions.net/${inputs.name}`,
        state: "ACTIVE",
        serviceConfig: {
          ...inputs.serviceConfig,
          service: inputs.name,
          uri: `https://${inputs.name}-${shortHash(String(inputs.name))}-ew.a.run.app`,
        },
      });
      break;
    }
    case "gcp:logging/projectSink:ProjectSink":
      state.writerIdentity = `serviceAccount:service-${MOCK_PROJECT_NUMBER}@gcp-sa-logging.iam.gserviceaccount.com`;
      break;
    case "gcp:firebaserules/ruleset:Ruleset":
      state.name = shortHash(JSON.stringify(inputs.source ?? {}));
      break;
    case "gcp:storage/bucket:Bucket":
      state.url = `gs://${inputs.name}`;
      break;
    case "gcp:monitoring/notificationChannel:NotificationChannel":
      state.name = `projects/${inputs.project ?? project}/notificationChannels/${shortHash(args.name)}`;
      break;
  }
  return { id: `${args.name}-id`, state };
}

export function mockCall(args: pulumi.runtime.MockCallArgs, project: string): Record<string, unknown> {
  if (args.token === "gcp:organizations/getProject:getProject") {
    const projectId = (args.inputs as { projectId?: string }).projectId ?? project;
    return { projectId, number: MOCK_PROJECT_NUMBER, name: projectId };
  }
  throw new Error(`offline plan: no mock for the lookup ${args.token}`);
}
