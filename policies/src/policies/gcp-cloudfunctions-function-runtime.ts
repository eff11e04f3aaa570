// One supported runtime everywhere: what the code is tested on is what runs, and nothing drifts onto
// a runtime nearing deprecation.
import { z } from "zod";
import { FUNCTION_TYPES, functionView } from "../functions.ts";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-cloudfunctions-function-runtime";

export const configSchema = z.strictObject({
  allowedRuntimes: z.array(z.string().min(1)).min(1).default(["nodejs22"]),
});

export const gcpCloudfunctionsFunctionRuntime: PackResourcePolicy = {
  name: NAME,
  description:
    "Functions run on an allowed runtime (nodejs22). See https://cloud.google.com/functions/docs/runtime-support",
  url: "https://cloud.google.com/functions/docs/runtime-support",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    if (!FUNCTION_TYPES.has(args.type)) args.notApplicable("not a Cloud Function");
    const fn = functionView(args.type, args.props, args.name)!;
    const { allowedRuntimes } = readConfig(NAME, configSchema, args);
    if (fn.runtime === undefined || !allowedRuntimes.includes(fn.runtime)) {
      reportViolation(
        `function ${fn.name}: runtime ${fn.runtime ?? "(unset)"} is not one of ${allowedRuntimes.join(", ")}`,
      );
    }
  },
};
