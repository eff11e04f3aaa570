// What changed between two snapshots: resources added, removed, and changed, with each changed
// property's path and its old and new value. A small structural diff of plain JSON.
import type { Snapshot, SnapshotResource } from "@genai-platform/policies/snapshot.ts";

export interface PropertyChange {
  /**
   * Dotted path into the inputs, array indexes in brackets: `rateLimits.maxDispatchesPerSecond`.
   * A step into a JSON-valued string is marked ` → `: `environmentVariables.TIER_LIMITS → pro.image`.
   */
  path: string;
  before?: unknown;
  after?: unknown;
  kind: "added" | "removed" | "changed";
}

export interface ResourceChange {
  urn: string;
  type: string;
  changes: PropertyChange[];
}

export interface SnapshotDiff {
  added: SnapshotResource[];
  removed: SnapshotResource[];
  changed: ResourceChange[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return path === "" ? safe : `${path}.${safe}`;
}

/** The structure inside a string that holds a JSON object or array (environment variables do). */
function jsonInside(value: unknown): object | undefined {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Every leaf-level difference between two plain JSON values; JSON inside strings is compared as JSON. */
export function diffValues(before: unknown, after: unknown, path = ""): PropertyChange[] {
  const [innerBefore, innerAfter] = [jsonInside(before), jsonInside(after)];
  if (innerBefore && innerAfter && before !== after) {
    // Paths inside restart at the top of the JSON value, so `join` does not dot them on.
    return diffValues(innerBefore, innerAfter, "").map((c) => ({ ...c, path: `${path || "(value)"} → ${c.path}` }));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: PropertyChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length) changes.push({ path: join(path, i), after: after[i], kind: "added" });
      else if (i >= after.length) changes.push({ path: join(path, i), before: before[i], kind: "removed" });
      else changes.push(...diffValues(before[i], after[i], join(path, i)));
    }
    return changes;
  }
  if (isObject(before) && isObject(after)) {
    const changes: PropertyChange[] = [];
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      if (!(key in after)) changes.push({ path: join(path, key), before: before[key], kind: "removed" });
      else if (!(key in before)) changes.push({ path: join(path, key), after: after[key], kind: "added" });
      else changes.push(...diffValues(before[key], after[key], join(path, key)));
    }
    return changes;
  }
  return Object.is(before, after) ? [] : [{ path: path || "(value)", before, after, kind: "changed" }];
}

export function diffSnapshots(before: Pick<Snapshot, "resources">, after: Pick<Snapshot, "resources">): SnapshotDiff {
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  const now = new Map(after.resources.map((r) => [r.urn, r]));
  const diff: SnapshotDiff = { added: [], removed: [], changed: [] };
  for (const [urn, resource] of now) {
    const previous = old.get(urn);
    if (!previous) {
      diff.added.push(resource);
      continue;
    }
    const changes = diffValues(previous.inputs, resource.inputs, "");
    if (previous.parent !== resource.parent) {
      changes.unshift({ path: "(parent)", before: previous.parent, after: resource.parent, kind: "changed" });
    }
    if (changes.length > 0) diff.changed.push({ urn, type: resource.type, changes });
  }
  for (const [urn, resource] of old) if (!now.has(urn)) diff.removed.push(resource);
  return diff;
}
