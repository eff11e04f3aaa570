// A function identity gets project-wide roles only where no narrower resource carries the permission
// (Vertex AI, Firestore, App Check token consumption, logging, metrics); the allow-list names those roles.
import { z } from "zod";
import { functionView } from "../functions.ts";
import { iamGrants, PROJECT_IAM_TYPES } from "../iam.ts";
import { type PackStackPolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-iam-project-function-roles-allow-list";

export const configSchema = z.strictObject({
  allowedRoles: z.array(z.string().startsWith("roles/")).default([
    "roles/aiplatform.user",
    "roles/datastore.user",
    "roles/datastore.viewer",
    // verifyAppCheckToken is a method of the project; no narrower resource carries its permission.
    // Source: https://firebase.google.com/docs/reference/appcheck/rest/v1beta/projects/verifyAppCheckToken
    "roles/firebaseappcheck.tokenVerifier",
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
  ]),
});

export const gcpIamProjectFunctionRolesAllowList: PackStackPolicy = {
  name: NAME,
  description:
    "Project-level roles held by a function's runtime identity come from an allow-list; everything else is " +
    "bound on the bucket, queue, dataset or service it concerns. " +
    "See https://cloud.google.com/iam/docs/using-iam-securely#least_privilege",
  url: "https://cloud.google.com/iam/docs/using-iam-securely#least_privilege",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateStack: (args, reportViolation) => {
    const { allowedRoles } = readConfig(NAME, configSchema, args);
    const identities = new Map<string, string>();
    for (const resource of args.resources) {
      const fn = functionView(resource.type, resource.props, resource.name);
      if (fn && typeof fn.serviceAccountEmail === "string" && fn.serviceAccountEmail !== "") {
        identities.set(`serviceAccount:${fn.serviceAccountEmail}`, fn.name);
      }
    }
    for (const resource of args.resources) {
      if (!PROJECT_IAM_TYPES.has(resource.type)) continue;
      for (const grant of iamGrants(resource.type, resource.props) ?? []) {
        if (allowedRoles.includes(grant.role)) continue;
        for (const member of grant.members) {
          const fn = identities.get(member);
          if (fn === undefined) continue;
          reportViolation(
            `function ${fn} holds ${grant.role} on the whole project; project-level roles for functions are ` +
              `limited to ${allowedRoles.join(", ")}`,
            resource.urn,
          );
        }
      }
    }
  },
};
