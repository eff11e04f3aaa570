// On the project, actAs/token-creator roles let a principal impersonate EVERY service account in it;
// bind them on the one account that needs impersonating.
import { z } from "zod";
import { iamGrants, PROJECT_IAM_TYPES } from "../iam.ts";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-iam-project-no-impersonation-roles";

export const configSchema = z.strictObject({
  deniedRoles: z
    .array(z.string().startsWith("roles/"))
    .default([
      "roles/iam.serviceAccountUser",
      "roles/iam.serviceAccountTokenCreator",
      "roles/iam.workloadIdentityUser",
    ]),
});

export const gcpIamProjectNoImpersonationRoles: PackResourcePolicy = {
  name: NAME,
  description:
    "Service account impersonation roles (serviceAccountUser, serviceAccountTokenCreator, workloadIdentityUser) " +
    "are never granted on the project, only on the service account concerned. " +
    "See https://cloud.google.com/iam/docs/service-account-permissions#user-role",
  url: "https://cloud.google.com/iam/docs/service-account-permissions#user-role",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    if (!PROJECT_IAM_TYPES.has(args.type)) args.notApplicable("not a project IAM resource");
    const { deniedRoles } = readConfig(NAME, configSchema, args);
    for (const grant of iamGrants(args.type, args.props) ?? []) {
      if (deniedRoles.includes(grant.role)) {
        reportViolation(
          `${grant.role} granted to ${grant.members.join(", ")} on the whole project: ` +
            "it allows impersonating every service account; bind it on the one service account instead",
        );
      }
    }
  },
};
