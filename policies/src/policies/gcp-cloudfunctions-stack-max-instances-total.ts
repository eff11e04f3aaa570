// The project's regional instance quota is shared by every function: the sum of their max instances
// stays under it, so one function's spike cannot starve the others.
import { z } from "zod";
import { functionView } from "../functions.ts";
import { type PackStackPolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-cloudfunctions-stack-max-instances-total";

export const configSchema = z.strictObject({
  maxInstancesTotal: z.number().int().positive().default(300),
});

export const gcpCloudfunctionsStackMaxInstancesTotal: PackStackPolicy = {
  name: NAME,
  description:
    "The sum of the functions' max instance counts is under the project cap. " +
    "See https://cloud.google.com/functions/quotas#resource_limits",
  url: "https://cloud.google.com/functions/quotas#resource_limits",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateStack: (args, reportViolation) => {
    const { maxInstancesTotal } = readConfig(NAME, configSchema, args);
    const counted = args.resources.flatMap((r) => {
      const fn = functionView(r.type, r.props, r.name);
      return fn?.maxInstances ? [{ name: fn.name, max: fn.maxInstances }] : [];
    });
    const total = counted.reduce((sum, fn) => sum + fn.max, 0);
    if (total > maxInstancesTotal) {
      const parts = counted.map((fn) => `${fn.name} ${fn.max}`).join(", ");
      reportViolation(
        `functions may scale to ${total} instances in total (${parts}), over the cap ${maxInstancesTotal}`,
      );
    }
  },
};
