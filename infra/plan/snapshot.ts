// Turns what the Pulumi mocks recorded into the plan's snapshot format: plain JSON, keys sorted,
// assets shown by path, secrets and unknowns never printed.
import { relative } from "node:path";
import type { SnapshotResource } from "@genai-platform/policies/snapshot.ts";
import * as pulumi from "@pulumi/pulumi";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";

/** Resolves recorded inputs into plain, stably ordered JSON values. */
export async function plainValue(value: unknown, root: string): Promise<unknown> {
  if (value === undefined || value === null) return value;
  if (value === pulumi.runtime.unknownValue) return UNKNOWN_PLACEHOLDER;
  if (pulumi.asset.Archive.isInstance(value) || pulumi.asset.Asset.isInstance(value)) {
    const v = value as { path?: Promise<string>; uri?: Promise<string>; text?: Promise<string> };
    if (v.path) return { $asset: relative(root, await v.path) };
    if (v.uri) return { $asset: await v.uri };
    return { $asset: "(inline)" };
  }
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map((v) => plainValue(v, root)));
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) return SECRET_PLACEHOLDER;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) {
      const v = await plainValue(record[key], root);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  return value;
}

/** A resource as the mocks recorded it: the snapshot's shape, before its inputs are made portable. */
export type RecordedResource = SnapshotResource;

/** Dynamic resources carry their serialized provider as an input: code, not desired state. */
const DYNAMIC_PROVIDER_KEY = "__provider";
export const DYNAMIC_PROVIDER_PLACEHOLDER = "[in-process provider]";

function withoutProviderCode(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (!type.startsWith("pulumi-nodejs:dynamic") || !(DYNAMIC_PROVIDER_KEY in inputs)) return inputs;
  return { ...inputs, [DYNAMIC_PROVIDER_KEY]: DYNAMIC_PROVIDER_PLACEHOLDER };
}

/** Snapshot resources in URN order, so two runs of the same program print the same file. */
export async function toSnapshotResources(
  recorded: readonly RecordedResource[],
  root: string,
): Promise<SnapshotResource[]> {
  const resources = await Promise.all(
    recorded.map(async (r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      ...(r.dependsOn ? { dependsOn: r.dependsOn } : {}),
      inputs: (await plainValue(withoutProviderCode(r.type, r.inputs), root)) as Record<string, unknown>,
    })),
  );
  return resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}
