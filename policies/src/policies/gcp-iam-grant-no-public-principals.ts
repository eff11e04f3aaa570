// allUsers/allAuthenticatedUsers make a resource public. The one exception is the invoker role on
// functions the stack allows to be public; a Gen 2 function's invoker lives on its Cloud Run service.
import { z } from "zod";
import { describeScope, type IamGrant, iamGrants, PUBLIC_MEMBERS } from "../iam.ts";
import { PACK_CONFIG, type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

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

/** What is allowed instead, and where that is set (the pack config, or the grant in the program). */
function why(grant: IamGrant, config: Config): string {
  const where = (key: string) => `${NAME}.${key} in ${PACK_CONFIG}`;
  if (grant.scope !== "runService" && grant.scope !== "function") {
    return "only function invokers may be public; remove the grant (infra/grants.ts)";
  }
  if (grant.resource !== undefined && config.publicFunctions.includes(grant.resource)) {
    return `a public function may grant only ${config.invokerRoles.join(" or ")} to them (${where("invokerRoles")})`;
  }
  const listed = config.publicFunctions.length > 0 ? config.publicFunctions.join(", ") : "none";
  return `only the functions in publicFunctions (${listed}) may be public (${where("publicFunctions")})`;
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
        reportViolation(
          `${describeScope(grant).replace(/^on /, "")} grants ${grant.role} to ${member}; ${why(grant, config)}`,
        );
      }
    }
  },
};
