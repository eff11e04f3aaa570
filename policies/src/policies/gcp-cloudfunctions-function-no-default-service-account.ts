// Without an explicit identity a function runs as the default compute (Gen 2) or App Engine (Gen 1)
// service account, which usually holds Editor on the whole project.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";
import { isKnown } from "../values.ts";

export const configSchema = z.strictObject({
  /** Email patterns of Google's default identities. */
  defaultAccountPatterns: z
    .array(z.string().min(1))
    .default(["-compute@developer\\.gserviceaccount\\.com$", "@appspot\\.gserviceaccount\\.com$"]),
});

export const gcpCloudfunctionsFunctionNoDefaultServiceAccount = functionPolicy({
  name: "gcp-cloudfunctions-function-no-default-service-account",
  description:
    "Every function sets its own runtime service account, never the default compute or App Engine account. " +
    "See https://cloud.google.com/functions/docs/securing/function-identity",
  url: "https://cloud.google.com/functions/docs/securing/function-identity",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, { defaultAccountPatterns }, reportViolation) => {
    const email = fn.serviceAccountEmail;
    if (email === undefined || email === null || email === "") {
      reportViolation(`function ${fn.name} sets no service account and would run as the default compute account`);
      return;
    }
    if (!isKnown(email) || typeof email !== "string") return;
    if (defaultAccountPatterns.some((pattern) => new RegExp(pattern).test(email))) {
      reportViolation(`function ${fn.name} runs as the default account ${email}; give it its own service account`);
    }
  },
});
