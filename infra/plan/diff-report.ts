// The diff as a reviewer reads it: the counts first, then changes that repeat across resources shown
// once with the resources they touch, then each resource's own changes, property by property.
import { renderViolations } from "@genai-platform/policies/report.ts";
import type { Snapshot, SnapshotResource } from "@genai-platform/policies/snapshot.ts";
import { wrapText } from "@genai-platform/policies/table.ts";
import { diffSnapshots, type PropertyChange, type ResourceChange, type SnapshotDiff } from "./diff.ts";

/** Values longer than this are cut: a bundle hash or a policy document says little in full. */
const VALUE_WIDTH = 100;

export function showValue(value: unknown): string {
  const text = value === undefined ? "(none)" : JSON.stringify(value);
  return text.length > VALUE_WIDTH ? `${text.slice(0, VALUE_WIDTH - 1)}…` : text;
}

export function describeChange(c: PropertyChange): string {
  if (c.kind === "added") return `+ ${c.path}: ${showValue(c.after)}`;
  if (c.kind === "removed") return `- ${c.path}: ${showValue(c.before)}`;
  return `~ ${c.path}: ${showValue(c.before)} => ${showValue(c.after)}`;
}

const resourceName = (urn: string) => urn.split("::").pop() ?? urn;
const label = (r: { type: string; urn: string }) => `${r.type} ${resourceName(r.urn)}`;

export function summaryLine(diff: SnapshotDiff): string {
  return `${diff.added.length} to add, ${diff.changed.length} to change, ${diff.removed.length} to remove`;
}

/** Resources by type: `in 5 gcp:x/y:Y` then their names, wrapped. */
function listResources(resources: readonly ResourceChange[]): string[] {
  const byType = new Map<string, string[]>();
  for (const r of resources) byType.set(r.type, [...(byType.get(r.type) ?? []), resourceName(r.urn)]);
  return [...byType].flatMap(([type, names]) => [
    `      in ${names.length} × ${type}:`,
    ...wrapText(names.join(", "), 90).map((line) => `        ${line}`),
  ]);
}

/** Changes identical (same path, same values) in two or more resources, with those resources. */
function repeatedChanges(changed: readonly ResourceChange[]) {
  const groups = new Map<string, { change: PropertyChange; resources: ResourceChange[] }>();
  for (const resource of changed) {
    for (const change of resource.changes) {
      const key = describeChange(change);
      const group = groups.get(key) ?? { change, resources: [] };
      group.resources.push(resource);
      groups.set(key, group);
    }
  }
  return [...groups].filter(([, g]) => g.resources.length > 1);
}

export function renderDiff(diff: SnapshotDiff, heading = "Changes against the earlier snapshot"): string {
  const lines = [`${heading}: ${summaryLine(diff)}`];
  const section = (title: string, body: string[]) => {
    if (body.length > 0) lines.push("", title, ...body);
  };
  section(
    "Added",
    diff.added.map((r: SnapshotResource) => `  + ${label(r)}`),
  );
  section(
    "Removed",
    diff.removed.map((r: SnapshotResource) => `  - ${label(r)}`),
  );

  const repeated = repeatedChanges(diff.changed);
  const shared = new Set(repeated.map(([key]) => key));
  section(
    `Changed the same way in several resources (${repeated.length})`,
    repeated.flatMap(([key, g]) => [`  ${key}`, ...listResources(g.resources)]),
  );
  section(
    "Changed",
    // A resource whose every change is shared is already named above.
    diff.changed.flatMap((r) => {
      const own = r.changes.filter((c) => !shared.has(describeChange(c)));
      if (own.length === 0) return [];
      const note = own.length < r.changes.length ? ` (and ${r.changes.length - own.length} shared above)` : "";
      return [`  ~ ${label(r)}${note}`, ...own.map((c) => `      ${describeChange(c)}`)];
    }),
  );
  return lines.join("\n");
}

/** The diff against an earlier snapshot, warning first when it is of another stack. */
export function renderDiffSection(earlier: Snapshot, current: Snapshot): string {
  const warning =
    earlier.stack && earlier.stack !== current.stack
      ? [`warning: the earlier snapshot is of stack ${earlier.stack}, this plan is of ${current.stack}`, ""]
      : [];
  return [...warning, renderDiff(diffSnapshots(earlier, current))].join("\n");
}

/**
 * What `--diff-only` prints and the PR comment carries for a stack: the diff, then the verdict on
 * the current snapshot. One function, so the comment is exactly what a reviewer gets locally.
 */
export function renderDiffOnly(earlier: Snapshot, current: Snapshot): string {
  return [renderDiffSection(earlier, current), "", renderViolations(current.violations)].join("\n");
}
