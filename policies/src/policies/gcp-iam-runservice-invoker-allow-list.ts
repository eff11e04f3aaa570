// An internal function is invoked by exactly one identity: a worker by the tasks invoker, the
// sweeper by the scheduler identity. Any other service account (or user, or group) holding an
// invoker role on such a service could call it past the queue's rate or outside the schedule.
// Public principals are judged by gcp-iam-grant-no-public-principals.
import { z } from "zod";
import { describeScope, type IamGrant, iamGrants, PUBLIC_MEMBERS } from "../iam.ts";
import { PACK_CONFIG, type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-iam-runservice-invoker-allow-list";

export const configSchema = z.strictObject({
  /** Per Cloud Run service (function) name: the service account ids that may invoke it. */
  invokers: z.record(z.string().min(1), z.array(z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/))).default({}),
  /** Roles that make a function invocable. */
  invokerRoles: z.array(z.string().startsWith("roles/")).default(["roles/run.invoker", "roles/cloudfunctions.invoker"]),
});
type Config = z.output<typeof configSchema>;

/** `serviceAccount:tasks-invoker@p.iam.gserviceaccount.com` -> `tasks-invoker`; undefined for anything else. */
function accountId(member: string): string | undefined {
  return /^serviceAccount:([a-z][a-z0-9-]*)@[^@]+\.iam\.gserviceaccount\.com$/.exec(member)?.[1];
}

function refusal(grant: IamGrant, member: string, config: Config): string | undefined {
  const service = grant.resource;
  const allowed = service === undefined ? undefined : config.invokers[service];
  const where = `${NAME}.invokers in ${PACK_CONFIG}`;
  const what = `${describeScope(grant).replace(/^on /, "")} grants ${grant.role} to ${member}`;
  if (allowed === undefined) return `${what}; no service account may invoke it (${where} lists none)`;
  const id = accountId(member);
  if (id !== undefined && allowed.includes(id)) return undefined;
  return `${what}; only ${allowed.join(", ")} may invoke it (${where})`;
}

export const gcpIamRunserviceInvokerAllowList: PackResourcePolicy = {
  name: NAME,
  description:
    "Invoker roles on a function's Cloud Run service go to public principals (judged elsewhere) or to " +
    "the service accounts the stack lists for that service: the tasks invoker for workers, the " +
    "scheduler identity for the sweeper. " +
    "See https://cloud.google.com/run/docs/securing/managing-access",
  url: "https://cloud.google.com/run/docs/securing/managing-access",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    const grants = iamGrants(args.type, args.props) ?? args.notApplicable("not an IAM resource");
    const config = readConfig(NAME, configSchema, args);
    for (const grant of grants) {
      if (grant.scope !== "runService" && grant.scope !== "function") continue;
      if (!config.invokerRoles.includes(grant.role)) continue;
      for (const member of grant.members.filter((m) => !PUBLIC_MEMBERS.has(m))) {
        const message = refusal(grant, member, config);
        if (message) reportViolation(message);
      }
    }
  },
};
