// An emulator host variable silently points a deployed function at a local emulator (and makes
// firebase-admin accept unsigned tokens): never in a deployed environment. The names come from the
// definition's one list, the same one a function checks at start (runtime-config).
import { isLocalOnlyVariable, LOCAL_ONLY_VARIABLE_NAMES } from "@genai-platform/definition/local-only-variables";
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";

export const configSchema = z.strictObject({
  /**
   * More variable names to refuse (regular expressions, whole name), on top of the definition's
   * list of emulator and local stand-in variables, which always applies. Default: none.
   */
  deniedPatterns: z.array(z.string().min(1)).default([]),
});

export const gcpCloudfunctionsFunctionNoEmulatorEnv = functionPolicy({
  name: "gcp-cloudfunctions-function-no-emulator-env",
  description:
    `Deployed functions carry no emulator or local stand-in variables (${LOCAL_ONLY_VARIABLE_NAMES.join(", ")}, ` +
    "or any other *_EMULATOR_HOST). " +
    "See https://firebase.google.com/docs/emulator-suite/connect_firestore#admin_sdks",
  url: "https://firebase.google.com/docs/emulator-suite/connect_firestore#admin_sdks",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, { deniedPatterns }, reportViolation) => {
    const patterns = deniedPatterns.map((p) => new RegExp(`^(?:${p})$`));
    for (const [where, env] of [
      ["environment", fn.env],
      ["build environment", fn.buildEnv],
    ] as const) {
      for (const key of Object.keys(env)) {
        if (isLocalOnlyVariable(key) || patterns.some((pattern) => pattern.test(key))) {
          reportViolation(`function ${fn.name}: emulator variable ${key} in its ${where}`);
        }
      }
    }
  },
});
