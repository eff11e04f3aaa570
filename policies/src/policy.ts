// Shared shape of this pack's policies: @pulumi/policy objects that also carry the zod schema of
// their config, so the engine (JSON Schema) and the offline evaluator (zod) validate the same thing.
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import { z } from "zod";

/**
 * Where a message points for the value to change. The engine runs the pack with whichever file
 * `--policy-pack-config` names; the offline evaluator puts the real path in its place.
 */
export const PACK_CONFIG = "policies/<stack>.json";

/**
 * Where a cap and the capped value are set: ` (cap: <policy>.<key> in policies/<stack>.json; value:
 * <entry> in the platform definition)`, the definition part when the value comes from there.
 */
export function whereToChange(policy: string, key: string, definitionEntry?: string): string {
  const value = definitionEntry ? `; value: ${definitionEntry} in definition/src/definition.ts` : "";
  return ` (cap: ${policy}.${key} in ${PACK_CONFIG}${value})`;
}

/** Config schemas are strict objects: a misspelt key is an error, not a silently ignored cap. */
export type ConfigSchema = z.ZodObject;

interface PackFields {
  enforcementLevel: Exclude<EnforcementLevel, "remediate">;
  severity: Severity;
  /** The Google Cloud documentation that motivates the policy. */
  url: string;
  /** The config's zod schema (with defaults); `configSchema` is its JSON Schema for the engine. */
  configZod?: ConfigSchema;
}

export type PackResourcePolicy = ResourceValidationPolicy & PackFields;
export type PackStackPolicy = StackValidationPolicy & PackFields;
export type PackPolicy = PackResourcePolicy | PackStackPolicy;

export function isStackPolicy(policy: PackPolicy): policy is PackStackPolicy {
  return "validateStack" in policy && typeof policy.validateStack === "function";
}

/** The engine validates policy config with JSON Schema: derive it from the zod schema. */
export function toPolicyConfigSchema(schema: ConfigSchema): PolicyConfigSchema {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: PolicyConfigSchema["properties"];
    required?: string[];
  };
  return { properties: json.properties ?? {}, ...(json.required?.length ? { required: json.required } : {}) };
}

/** A config value that fails its schema; the message names the policy and the key. */
export class PolicyConfigError extends Error {
  override name = "PolicyConfigError";
}

export function formatIssues(policy: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.length > 0 ? `${policy}.${issue.path.join(".")}` : policy;
      return `${key}: ${issue.message}`;
    })
    .join("; ");
}

/**
 * Parses the config the engine (or the offline evaluator) hands the policy. Defaults fill what the
 * stack's file leaves out, so a policy always sees complete caps.
 */
export function readConfig<S extends ConfigSchema>(
  policy: string,
  schema: S,
  args: { getConfig<T extends object>(): T },
): z.output<S> {
  const result = schema.safeParse(args.getConfig<object>());
  if (!result.success) throw new PolicyConfigError(formatIssues(policy, result.error));
  return result.data;
}
