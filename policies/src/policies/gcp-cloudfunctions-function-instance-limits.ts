// Max instances bound what a traffic spike (or a retry storm) can cost; min instances are paid for
// around the clock, so both are capped per stack.
import { z } from "zod";
import { FUNCTION_TYPES, functionView } from "../functions.ts";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-cloudfunctions-function-instance-limits";

export const configSchema = z.strictObject({
  maxInstances: z.number().int().positive().default(100),
  minInstances: z.number().int().min(0).default(0),
});

export const gcpCloudfunctionsFunctionInstanceLimits: PackResourcePolicy = {
  name: NAME,
  description:
    "Functions set a maximum instance count under the stack's cap, and a minimum instance count under its cap. " +
    "See https://cloud.google.com/functions/docs/configuring/max-instances",
  url: "https://cloud.google.com/functions/docs/configuring/max-instances",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    if (!FUNCTION_TYPES.has(args.type)) args.notApplicable("not a Cloud Function");
    const fn = functionView(args.type, args.props, args.name)!;
    const caps = readConfig(NAME, configSchema, args);
    if (fn.maxInstances === undefined || fn.maxInstances <= 0) {
      reportViolation(`function ${fn.name} does not set a max instance count (cap ${caps.maxInstances})`);
    } else if (fn.maxInstances > caps.maxInstances) {
      reportViolation(`function ${fn.name}: max instances ${fn.maxInstances} exceeds the cap ${caps.maxInstances}`);
    }
    if (fn.minInstances !== undefined && fn.minInstances > caps.minInstances) {
      reportViolation(`function ${fn.name}: min instances ${fn.minInstances} exceeds the cap ${caps.minInstances}`);
    }
  },
};
