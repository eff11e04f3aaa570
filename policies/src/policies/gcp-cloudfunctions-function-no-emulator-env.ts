// An emulator host variable silently points a deployed function at a local emulator (and makes
// firebase-admin accept unsigned tokens): never in a deployed environment.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";

export const configSchema = z.strictObject({
  /** Variable names (regular expressions, whole name) that only emulators use. */
  deniedPatterns: z
    .array(z.string().min(1))
    .default([".*_EMULATOR_HOST", "FUNCTIONS_EMULATOR", "FIREBASE_EMULATOR_HUB"]),
});

export const gcpCloudfunctionsFunctionNoEmulatorEnv = functionPolicy({
  name: "gcp-cloudfunctions-function-no-emulator-env",
  description:
    "Deployed functions carry no emulator variables (FIRESTORE_EMULATOR_HOST, FIREBASE_AUTH_EMULATOR_HOST, ...). " +
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
        if (patterns.some((pattern) => pattern.test(key))) {
          reportViolation(`function ${fn.name}: emulator variable ${key} in its ${where}`);
        }
      }
    }
  },
});
