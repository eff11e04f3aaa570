// allUsers/allAuthenticatedUsers make a resource public. The one exception is the invoker role on
// functions the stack allows to be public; a Gen 2 function's invoker lives on its Cloud Run service.
import { z } from "zod";
import { describeScope, type IamGrant, iamGrants, PUBLIC_MEMBERS } from "../iam.ts";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-iam-grant-no-public-principals";

export const configSchema = z.strictObject({
  /** Function (Cloud Run service) names that may be invoked by allUsers. */
  publicFunctions: z.array(z.string().min(1)).default([]),
  /** Roles that make a function invocable, and nothing more. */
  invokerRoles: z.array(z.string().startsWith("roles/")).default(["roles/run.invoker", "roles/cloudfunctions.invoker"]),
});
type Config = z.output<typeof configSchema>;

function allowed(grant: IamGrant, config: Config): boolean {
  return (
    (grant.scope === "runService" || grant.scope === "function") &&
    config.invokerRoles.includes(grant.role) &&
    grant.resource !== undefined &&
    config.publicFunctions.includes(grant.resource)
  );
}

export const gcpIamGrantNoPublicPrincipals: PackResourcePolicy = {
  name: NAME,
  description:
    "No IAM resource grants anything to allUsers or allAuthenticatedUsers, except the invoker role on " +
    "functions listed in publicFunctions (for Gen 2: run.invoker on the Cloud Run service). " +
    "See https://cloud.google.com/functions/docs/securing/managing-access-iam#allowing_unauthenticated_http_function_invocation",
  url: "https://cloud.google.com/functions/docs/securing/managing-access-iam#allowing_unauthenticated_http_function_invocation",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    const grants = iamGrants(args.type, args.props) ?? args.notApplicable("not an IAM resource");
    const config = readConfig(NAME, configSchema, args);
    for (const grant of grants) {
      for (const member of grant.members.filter((m) => PUBLIC_MEMBERS.has(m))) {
        if (allowed(grant, config)) continue;
        const why =
          grant.scope === "runService" || grant.scope === "function"
            ? `"${grant.resource ?? "?"}" is not in publicFunctions or ${grant.role} is not an invoker role`
            : "only function invokers may be public";
        reportViolation(`${member} holds ${grant.role} ${describeScope(grant)}: ${why}`);
      }
    }
  },
};
