// Labels are how billing exports and dashboards tell environments and owners apart: every resource
// that takes labels carries the required ones, with the stack's expected values.
import { z } from "zod";
import { LABEL_INPUTS } from "../labels.ts";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";
import { asRecord, isKnown } from "../values.ts";

const NAME = "gcp-all-resources-required-labels";

export const configSchema = z.strictObject({
  required: z.array(z.string().min(1)).default(["env", "managed-by"]),
  /** Exact values some labels must have (e.g. `env` is the stack's environment). */
  values: z.record(z.string(), z.string()).default({ "managed-by": "pulumi" }),
});

export const gcpAllResourcesRequiredLabels: PackResourcePolicy = {
  name: NAME,
  description:
    "Every resource that takes labels carries the required labels (env, managed-by) with the expected values. " +
    "See https://cloud.google.com/resource-manager/docs/best-practices-labels",
  url: "https://cloud.google.com/resource-manager/docs/best-practices-labels",
  severity: "low",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    const key = LABEL_INPUTS.get(args.type) ?? args.notApplicable("this resource type takes no labels");
    const config = readConfig(NAME, configSchema, args);
    if (!isKnown(args.props[key]) && args.props[key] !== undefined) return;
    const labels = asRecord(args.props[key]) ?? {};
    const missing = config.required.filter((label) => typeof labels[label] !== "string" || labels[label] === "");
    if (missing.length > 0) {
      reportViolation(`${args.name} is missing the label(s) ${missing.join(", ")} (in ${key})`);
    }
    for (const [label, expected] of Object.entries(config.values)) {
      const actual = labels[label];
      if (typeof actual === "string" && actual !== expected) {
        reportViolation(`${args.name}: label ${label} is "${actual}", expected "${expected}"`);
      }
    }
  },
};
