// The endpoints that spend verify App Check: a stolen or scripted client without an attested app
// is logged (monitor) or refused (enforce) before any money is spent. `off` is not allowed here.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";
import { spendingFunctionsSchema } from "../functions.ts";
import { asString } from "../values.ts";

export const configSchema = z.strictObject({
  /** Function (service) names that admit generations. */
  spendingFunctions: spendingFunctionsSchema,
  /** Environment variable carrying the mode. */
  variable: z.string().min(1).default("APP_CHECK_MODE"),
  /** Modes a spending function may run with. */
  allowedModes: z
    .array(z.enum(["off", "monitor", "enforce"]))
    .min(1)
    .default(["monitor", "enforce"]),
});

export const gcpCloudfunctionsFunctionAppCheckEnabled = functionPolicy({
  name: "gcp-cloudfunctions-function-app-check-enabled",
  description:
    "Functions that spend (spendingFunctions) run with App Check in one of allowedModes (APP_CHECK_MODE), never off. " +
    "See https://firebase.google.com/docs/app-check",
  url: "https://firebase.google.com/docs/app-check",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, config, reportViolation) => {
    if (!config.spendingFunctions.includes(fn.name)) return;
    const raw = fn.env[config.variable];
    // Unset means off: the functions' own config defaults it so.
    const mode = raw === undefined ? "off" : asString(raw);
    if (mode === undefined) return;
    if (!(config.allowedModes as string[]).includes(mode)) {
      reportViolation(
        `function ${fn.name}: ${config.variable} is ${raw === undefined ? "unset (off)" : mode}; ` +
          `allowed: ${config.allowedModes.join(", ")} (stack config genai-platform:appCheck)`,
      );
    }
  },
});
