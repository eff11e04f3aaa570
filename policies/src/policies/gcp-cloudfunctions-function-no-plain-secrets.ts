// Plain environment variables are readable by anyone who can view the function: secrets belong in
// Secret Manager (secretEnvironmentVariables), never in a *KEY/*SECRET/*TOKEN/*PASSWORD variable.
import { z } from "zod";
import { FUNCTION_TYPES, functionView } from "../functions.ts";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-cloudfunctions-function-no-plain-secrets";

export const configSchema = z.strictObject({
  /** Name pattern (regular expression, case-insensitive) of secret-looking variables. */
  pattern: z.string().min(1).default("(KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?)$"),
  /** Names that match the pattern but hold no secret. */
  allowedNames: z.array(z.string()).default([]),
});

export const gcpCloudfunctionsFunctionNoPlainSecrets: PackResourcePolicy = {
  name: NAME,
  description:
    "No secret-looking plain environment variable (*KEY, *SECRET, *TOKEN, *PASSWORD) on a function: use " +
    "secretEnvironmentVariables from Secret Manager. See https://cloud.google.com/functions/docs/configuring/secrets",
  url: "https://cloud.google.com/functions/docs/configuring/secrets",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    if (!FUNCTION_TYPES.has(args.type)) args.notApplicable("not a Cloud Function");
    const fn = functionView(args.type, args.props, args.name)!;
    const config = readConfig(NAME, configSchema, args);
    const pattern = new RegExp(config.pattern, "i");
    for (const [where, env] of [
      ["environment", fn.env],
      ["build environment", fn.buildEnv],
    ] as const) {
      for (const key of Object.keys(env)) {
        if (pattern.test(key) && !config.allowedNames.includes(key)) {
          reportViolation(
            `function ${fn.name}: ${key} in its plain ${where} looks like a secret; use secretEnvironmentVariables`,
          );
        }
      }
    }
  },
};
