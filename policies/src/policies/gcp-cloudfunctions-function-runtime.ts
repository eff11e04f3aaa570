// One supported runtime everywhere: what the code is tested on is what runs, and nothing drifts onto
// a runtime nearing deprecation.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";
import { whereToChange } from "../policy.ts";

const NAME = "gcp-cloudfunctions-function-runtime";

export const configSchema = z.strictObject({
  allowedRuntimes: z.array(z.string().min(1)).min(1).default(["nodejs22"]),
});

export const gcpCloudfunctionsFunctionRuntime = functionPolicy({
  name: NAME,
  description:
    "Functions run on an allowed runtime (nodejs22). See https://cloud.google.com/functions/docs/runtime-support",
  url: "https://cloud.google.com/functions/docs/runtime-support",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, { allowedRuntimes }, reportViolation) => {
    if (fn.runtime === undefined || !allowedRuntimes.includes(fn.runtime)) {
      reportViolation(
        `function ${fn.name}: runtime ${fn.runtime ?? "(unset)"} is not one of ${allowedRuntimes.join(", ")}${whereToChange(NAME, "allowedRuntimes")}`,
      );
    }
  },
});
