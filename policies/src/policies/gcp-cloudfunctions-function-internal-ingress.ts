// Only the functions the stack allows to be public accept traffic from the internet; every other one
// (the task workers) accepts internal traffic only, on top of its IAM check.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";

export const configSchema = z.strictObject({
  /** Function names that may take traffic from anywhere. */
  publicFunctions: z.array(z.string().min(1)).default([]),
});

export const gcpCloudfunctionsFunctionInternalIngress = functionPolicy({
  name: "gcp-cloudfunctions-function-internal-ingress",
  description:
    "Functions not listed in publicFunctions (the workers) set ingress ALLOW_INTERNAL_ONLY. " +
    "See https://cloud.google.com/functions/docs/networking/network-settings#ingress_settings",
  url: "https://cloud.google.com/functions/docs/networking/network-settings#ingress_settings",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, { publicFunctions }, reportViolation) => {
    if (publicFunctions.includes(fn.name)) return;
    if (fn.ingress !== "ALLOW_INTERNAL_ONLY") {
      reportViolation(
        `function ${fn.name} is not in publicFunctions but its ingress is ${fn.ingress ?? "ALLOW_ALL (default)"}, ` +
          "not ALLOW_INTERNAL_ONLY",
      );
    }
  },
});
