// Only the functions the stack allows to be public accept traffic from the internet; every other one
// (the task workers) accepts internal traffic only, on top of its IAM check.
import { z } from "zod";
import { FUNCTION_TYPES, functionView } from "../functions.ts";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-cloudfunctions-function-internal-ingress";

export const configSchema = z.strictObject({
  /** Function names that may take traffic from anywhere. */
  publicFunctions: z.array(z.string().min(1)).default([]),
});

export const gcpCloudfunctionsFunctionInternalIngress: PackResourcePolicy = {
  name: NAME,
  description:
    "Functions not listed in publicFunctions (the workers) set ingress ALLOW_INTERNAL_ONLY. " +
    "See https://cloud.google.com/functions/docs/networking/network-settings#ingress_settings",
  url: "https://cloud.google.com/functions/docs/networking/network-settings#ingress_settings",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    if (!FUNCTION_TYPES.has(args.type)) args.notApplicable("not a Cloud Function");
    const fn = functionView(args.type, args.props, args.name)!;
    const { publicFunctions } = readConfig(NAME, configSchema, args);
    if (publicFunctions.includes(fn.name)) return;
    if (fn.ingress !== "ALLOW_INTERNAL_ONLY") {
      reportViolation(
        `function ${fn.name} is not in publicFunctions but its ingress is ${fn.ingress ?? "ALLOW_ALL (default)"}, ` +
          "not ALLOW_INTERNAL_ONLY",
      );
    }
  },
};
