// Runs the pack's own policy objects on a snapshot, offline: the same validateResource and
// validateStack the Pulumi engine calls, fed with args built from the snapshot's resolved inputs.
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { z } from "zod";
import { policies as packPolicies } from "./pack.ts";
import { formatIssues, isStackPolicy, PACK_CONFIG, type PackPolicy, PolicyConfigError } from "./policy.ts";
import type { EnforcementLevel, Snapshot, SnapshotResource, Violation } from "./snapshot.ts";

export const POLICIES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The policy-pack-config file of a stack: `policies/<stack>.json`. */
export function stackConfigPath(stack: string): string {
  return resolve(POLICIES_DIR, `${stack}.json`);
}

/** What one policy runs with: its level and its parsed config (defaults filled in). */
export interface ResolvedPolicy {
  policy: PackPolicy;
  level: EnforcementLevel;
  config: Record<string, unknown>;
}

const levelSchema = z.enum(["advisory", "mandatory", "disabled"]);

/**
 * Resolves the pack config (`{ "<policy>": "<level>" | { enforcementLevel?, ...config } }`) against
 * the policies: unknown policy names and invalid values fail with a message naming the key.
 */
export function resolvePackConfig(policies: readonly PackPolicy[], raw: unknown, source = "config"): ResolvedPolicy[] {
  const record = raw ?? {};
  if (typeof record !== "object" || Array.isArray(record)) {
    throw new PolicyConfigError(`${source}: the policy pack config must be an object keyed by policy name`);
  }
  const entries = record as Record<string, unknown>;
  const known = new Set(policies.map((p) => p.name));
  const unknown = Object.keys(entries).filter((name) => name !== "all" && !known.has(name));
  if (unknown.length > 0) throw new PolicyConfigError(`${source}: unknown policy ${unknown.join(", ")}`);
  // `all` sets every policy's level, as a bare level or `{ "enforcementLevel": ... }`.
  const allEntry = entries.all;
  const allLevel =
    typeof allEntry === "object" && allEntry !== null
      ? (allEntry as Record<string, unknown>).enforcementLevel
      : allEntry;
  const all = allLevel === undefined ? undefined : parseLevel(source, "all", allLevel);
  return policies.map((policy) => {
    const entry = entries[policy.name];
    const { enforcementLevel, ...rest } =
      typeof entry === "string" ? { enforcementLevel: entry } : ((entry ?? {}) as Record<string, unknown>);
    const level =
      enforcementLevel === undefined
        ? (all ?? policy.enforcementLevel)
        : parseLevel(source, `${policy.name}.enforcementLevel`, enforcementLevel);
    return { policy, level, config: parsePolicyConfig(source, policy, rest) };
  });
}

function parseLevel(source: string, key: string, value: unknown): EnforcementLevel {
  const result = levelSchema.safeParse(value);
  if (!result.success) {
    throw new PolicyConfigError(
      `${source}: ${key}: expected advisory, mandatory or disabled, got ${JSON.stringify(value)}`,
    );
  }
  return result.data;
}

function parsePolicyConfig(source: string, policy: PackPolicy, raw: Record<string, unknown>): Record<string, unknown> {
  if (!policy.configZod) {
    const keys = Object.keys(raw);
    if (keys.length > 0)
      throw new PolicyConfigError(`${source}: ${policy.name}.${keys[0]}: this policy takes no config`);
    return {};
  }
  const result = policy.configZod.safeParse(raw);
  if (!result.success) throw new PolicyConfigError(`${source}: ${formatIssues(policy.name, result.error)}`);
  return result.data as Record<string, unknown>;
}

/** Reads and resolves a policy-pack-config file; a missing file means every policy's defaults. */
export function loadPackConfig(path: string, policies: readonly PackPolicy[] = packPolicies): ResolvedPolicy[] {
  if (!existsSync(path)) return resolvePackConfig(policies, {}, path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new PolicyConfigError(`${path}: not valid JSON`, { cause });
  }
  return resolvePackConfig(policies, raw, path);
}

class NotApplicable extends Error {}

const OPTIONS: Omit<PolicyResourceOptions, "parent"> = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

type Typed = { __pulumiType?: string };

function typeChecks(type: string, props: Record<string, any>) {
  const isType = (cls: unknown) => (cls as Typed).__pulumiType === type;
  return { isType, asType: (cls: unknown) => (isType(cls) ? props : undefined) } as Pick<
    ResourceValidationArgs,
    "isType" | "asType"
  >;
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

function resourceArgs(resource: SnapshotResource, config: Record<string, unknown>): ResourceValidationArgs {
  return {
    type: resource.type,
    props: resource.inputs,
    urn: resource.urn,
    name: resource.name,
    opts: { ...OPTIONS, ...(resource.parent ? { parent: resource.parent } : {}) },
    stackTags: new Map(),
    ...typeChecks(resource.type, resource.inputs),
    getConfig: <T extends object>() => structuredClone(config) as T,
    notApplicable,
  };
}

function stackResources(resources: readonly SnapshotResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const converted = resources.map((r) => {
    const resource: PolicyResource = {
      type: r.type,
      props: r.inputs,
      urn: r.urn,
      name: r.name,
      opts: { ...OPTIONS, ...(r.parent ? { parent: r.parent } : {}) },
      dependencies: [],
      propertyDependencies: {},
      ...(typeChecks(r.type, r.inputs) as Pick<PolicyResource, "isType" | "asType">),
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  // Parents are linked after conversion: a parent may come later in the snapshot.
  resources.forEach((r, i) => {
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) converted[i]!.parent = parent;
  });
  return converted;
}

/** Violations the stack as a whole causes are reported on the stack's URN. */
function stackUrn(snapshot: Pick<Snapshot, "stack" | "resources">): string {
  const project = snapshot.resources[0]?.urn.split("::")[1] ?? "unknown";
  return `urn:pulumi:${snapshot.stack}::${project}::pulumi:pulumi:Stack::${project}-${snapshot.stack}`;
}

async function guarded(policy: string, urn: string, run: () => Promise<void> | void): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof NotApplicable) return;
    if (error instanceof PolicyConfigError) throw error;
    throw new Error(`policy ${policy} failed on ${urn}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** Runs resolved policies on the resources; disabled ones are skipped. */
export async function runPolicies(
  resolved: readonly ResolvedPolicy[],
  snapshot: Pick<Snapshot, "stack" | "resources">,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const fallbackUrn = stackUrn(snapshot);
  for (const { policy, level, config } of resolved) {
    if (level === "disabled") continue;
    if (isStackPolicy(policy)) {
      const report: ReportViolation = (message, urn) =>
        violations.push({ policy: policy.name, level, urn: urn ?? fallbackUrn, message });
      const args: StackValidationArgs = {
        resources: stackResources(snapshot.resources),
        stackTags: new Map(),
        getConfig: <T extends object>() => structuredClone(config) as T,
        notApplicable,
      };
      await guarded(policy.name, fallbackUrn, () => policy.validateStack(args, report));
      continue;
    }
    const validations = [policy.validateResource ?? []].flat();
    for (const resource of snapshot.resources) {
      const report: ReportViolation = (message) =>
        violations.push({ policy: policy.name, level, urn: resource.urn, message });
      for (const validate of validations) {
        await guarded(policy.name, resource.urn, () => validate(resourceArgs(resource, config), report));
      }
    }
  }
  return violations;
}

/** Every policy of the pack on the snapshot, with the stack's config (or `configPath`). */
export async function evaluateSnapshot(
  snapshot: Snapshot,
  options: { stack: string; configPath?: string },
): Promise<Violation[]> {
  const configPath = options.configPath ?? stackConfigPath(options.stack);
  const resolved = loadPackConfig(configPath);
  const violations = await runPolicies(resolved, { stack: options.stack, resources: snapshot.resources });
  // Messages name the file to change; here it is known.
  const file = relative(resolve(POLICIES_DIR, ".."), resolve(configPath)) || configPath;
  return violations.map((v) => ({ ...v, message: v.message.replaceAll(PACK_CONFIG, file) }));
}
