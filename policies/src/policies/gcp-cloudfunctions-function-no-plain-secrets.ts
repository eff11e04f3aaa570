// Plain environment variables are readable by anyone who can view the function: secrets belong in
// Secret Manager (secretEnvironmentVariables), never in a *KEY/*SECRET/*TOKEN/*PASSWORD variable.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";

export const configSchema = z.strictObject({
  /** Name pattern (regular expression, case-insensitive) of secret-looking variables. */
  pattern: z.string().min(1).default("(KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?)$"),
  /** Names that match the pattern but hold no secret. */
  allowedNames: z.array(z.string()).default([]),
});

export const gcpCloudfunctionsFunctionNoPlainSecrets = functionPolicy({
  name: "gcp-cloudfunctions-function-no-plain-secrets",
  description:
    "No secret-looking plain environment variable (*KEY, *SECRET, *TOKEN, *PASSWORD) on a function: use " +
    "secretEnvironmentVariables from Secret Manager. See https://cloud.google.com/functions/docs/configuring/secrets",
  url: "https://cloud.google.com/functions/docs/configuring/secrets",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, config, reportViolation) => {
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
});
