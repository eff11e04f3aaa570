// Memory and timeout multiply into the bill of every request: both stay under the stack's caps.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";
import { whereToChange } from "../policy.ts";

const NAME = "gcp-cloudfunctions-function-resource-limits";

export const configSchema = z.strictObject({
  memoryMiB: z.number().positive().default(2048),
  timeoutSeconds: z.number().int().positive().default(540),
});

export const gcpCloudfunctionsFunctionResourceLimits = functionPolicy({
  name: NAME,
  description:
    "Functions' memory and timeout are under the stack's caps. " +
    "See https://cloud.google.com/functions/docs/configuring/memory and https://cloud.google.com/functions/docs/configuring/timeout",
  url: "https://cloud.google.com/functions/docs/configuring/memory",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, caps, reportViolation) => {
    if (fn.memoryMiB !== undefined && fn.memoryMiB > caps.memoryMiB) {
      reportViolation(
        `function ${fn.name}: memory ${fn.memoryMiB} MiB exceeds the cap ${caps.memoryMiB} MiB${whereToChange(NAME, "memoryMiB", `memoryMiB of the function deployed as ${fn.name}`)}`,
      );
    }
    if (fn.timeoutSeconds !== undefined && fn.timeoutSeconds > caps.timeoutSeconds) {
      reportViolation(
        `function ${fn.name}: timeout ${fn.timeoutSeconds}s exceeds the cap ${caps.timeoutSeconds}s${whereToChange(NAME, "timeoutSeconds", `timeoutSeconds of the function deployed as ${fn.name}`)}`,
      );
    }
  },
});
