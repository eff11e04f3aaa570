// Max instances bound what a traffic spike (or a retry storm) can cost; min instances are paid for
// around the clock, so both are capped per stack.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";
import { whereToChange } from "../policy.ts";

const NAME = "gcp-cloudfunctions-function-instance-limits";

export const configSchema = z.strictObject({
  maxInstances: z.number().int().positive().default(100),
  minInstances: z.number().int().min(0).default(0),
});

export const gcpCloudfunctionsFunctionInstanceLimits = functionPolicy({
  name: NAME,
  description:
    "Functions set a maximum instance count under the stack's cap, and a minimum instance count under its cap. " +
    "See https://cloud.google.com/functions/docs/configuring/max-instances",
  url: "https://cloud.google.com/functions/docs/configuring/max-instances",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, caps, reportViolation) => {
    if (fn.maxInstances === undefined || fn.maxInstances <= 0) {
      reportViolation(
        `function ${fn.name} does not set a max instance count, allowed at most ${caps.maxInstances}${whereToChange(NAME, "maxInstances", `maxInstances of the function deployed as ${fn.name}`)}`,
      );
    } else if (fn.maxInstances > caps.maxInstances) {
      reportViolation(
        `function ${fn.name}: max instances ${fn.maxInstances} exceeds the cap ${caps.maxInstances}${whereToChange(NAME, "maxInstances", `maxInstances of the function deployed as ${fn.name}`)}`,
      );
    }
    if (fn.minInstances !== undefined && fn.minInstances > caps.minInstances) {
      reportViolation(
        `function ${fn.name}: min instances ${fn.minInstances} exceeds the cap ${caps.minInstances}${whereToChange(NAME, "minInstances", `minInstances of the function deployed as ${fn.name}`)}`,
      );
    }
  },
});
