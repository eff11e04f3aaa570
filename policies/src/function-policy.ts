// The shared shape of the per-function policies: each applies to Cloud Functions only (both
// generations), reads the function's view and its config, and leaves only the check to the policy.
import type { ReportViolation } from "@pulumi/policy";
import type { z } from "zod";
import { FUNCTION_TYPES, type FunctionView, functionView } from "./functions.ts";
import { type ConfigSchema, type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "./policy.ts";

export interface FunctionPolicy<S extends ConfigSchema> {
  name: string;
  description: string;
  url: PackResourcePolicy["url"];
  severity: PackResourcePolicy["severity"];
  enforcementLevel: PackResourcePolicy["enforcementLevel"];
  /** The config's zod schema (with defaults); the engine gets its JSON Schema. */
  configSchema: S;
  /** Judges one function with the stack's config. */
  check: (fn: FunctionView, config: z.output<S>, reportViolation: ReportViolation) => void;
}

/** A resource policy that is not applicable to anything but a Cloud Function. */
export function functionPolicy<S extends ConfigSchema>(policy: FunctionPolicy<S>): PackResourcePolicy {
  const { name, description, url, severity, enforcementLevel, configSchema, check } = policy;
  return {
    name,
    description,
    url,
    severity,
    enforcementLevel,
    configSchema: toPolicyConfigSchema(configSchema),
    configZod: configSchema,
    validateResource: (args, reportViolation) => {
      if (!FUNCTION_TYPES.has(args.type)) args.notApplicable("not a Cloud Function");
      const fn = functionView(args.type, args.props, args.name)!;
      check(fn, readConfig(name, configSchema, args), reportViolation);
    },
  };
}
