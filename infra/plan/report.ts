// Renders a snapshot for a reviewer: resources by type, IAM grants, functions, queues, violations.
import type { Snapshot, SnapshotResource, Violation } from "@genai-platform/policies/snapshot.ts";
import type { SnapshotDiff } from "./diff.ts";

type Row = readonly (string | number | undefined)[];

export function table(headers: readonly string[], rows: readonly Row[]): string {
  const cells = [headers, ...rows].map((row) => row.map((c) => (c === undefined ? "-" : String(c))));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

const get = (value: unknown, path: string): any =>
  path.split(".").reduce<any>((v, key) => (v === undefined || v === null ? undefined : v[key]), value);

/** The resource a grant is bound on, from the member resource's type and inputs. */
export function grantTarget(r: SnapshotResource): string {
  const i = r.inputs as Record<string, any>;
  switch (r.type) {
    case "gcp:projects/iAMMember:IAMMember":
      return i.condition?.title ? `project ${i.project} (if ${i.condition.title})` : `project ${i.project}`;
    case "gcp:storage/bucketIAMMember:BucketIAMMember":
      return `bucket ${i.bucket}`;
    case "gcp:cloudtasks/queueIamMember:QueueIamMember":
      return `queue ${i.name}`;
    case "gcp:cloudrunv2/serviceIamMember:ServiceIamMember":
      return `run service ${i.name}`;
    case "gcp:serviceaccount/iAMMember:IAMMember":
      return `service account ${String(i.serviceAccountId).split("/").pop()}`;
    case "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember":
      return `repository ${i.repository}`;
    case "gcp:bigquery/datasetIamMember:DatasetIamMember":
      return `dataset ${i.datasetId}`;
    default:
      return r.type;
  }
}

export const isIamMember = (r: SnapshotResource) => /IamMember$|IAMMember$/.test(r.type);

export interface QueueFacts {
  name: string;
  /** From the definition: Cloud Tasks derives the real burst itself (output-only). */
  maxBurstSize: number;
}

export function renderPlan(snapshot: Snapshot, queues: readonly QueueFacts[]): string {
  const counts = new Map<string, number>();
  for (const r of snapshot.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const byType = [...counts].sort(([a], [b]) => a.localeCompare(b));

  const iam = snapshot.resources
    .filter(isIamMember)
    .map((r) => [String(r.inputs.member), String(r.inputs.role), grantTarget(r)] as const)
    .sort((a, b) => a.join(" ").localeCompare(b.join(" ")));

  const functions = snapshot.resources
    .filter((r) => r.type === "gcp:cloudfunctionsv2/function:Function")
    .map((r) => {
      const s = (r.inputs.serviceConfig ?? {}) as Record<string, any>;
      return [
        String(r.inputs.name),
        get(r.inputs, "labels.trigger"),
        s.ingressSettings,
        s.serviceAccountEmail,
        s.availableMemory,
        s.timeoutSeconds === undefined ? undefined : `${s.timeoutSeconds}s`,
        `${s.minInstanceCount ?? 0}-${s.maxInstanceCount ?? "?"}`,
        s.maxInstanceRequestConcurrency,
      ];
    });

  const burst = new Map(queues.map((q) => [q.name, q.maxBurstSize]));
  const queueRows = snapshot.resources
    .filter((r) => r.type === "gcp:cloudtasks/queue:Queue")
    .map((r) => {
      const rate = (r.inputs.rateLimits ?? {}) as Record<string, any>;
      const retry = (r.inputs.retryConfig ?? {}) as Record<string, any>;
      return [
        String(r.inputs.name),
        rate.maxDispatchesPerSecond === undefined ? undefined : `${rate.maxDispatchesPerSecond}/s`,
        burst.get(String(r.inputs.name)),
        rate.maxConcurrentDispatches,
        retry.maxAttempts,
        `${retry.minBackoff ?? "?"}..${retry.maxBackoff ?? "?"} x2^${retry.maxDoublings ?? "?"}`,
      ];
    });

  return [
    `Offline plan for stack "${snapshot.stack}": the declared desired state, not a diff against the cloud.`,
    "",
    `Resources by type (${snapshot.resources.length})`,
    table(["type", "count"], byType),
    "",
    `IAM grants (${iam.length})`,
    table(["member", "role", "resource"], iam),
    "",
    "Functions",
    table(["function", "trigger", "ingress", "identity", "memory", "timeout", "instances", "concurrency"], functions),
    "",
    "Queues (burst: the definition's; Cloud Tasks derives its own)",
    table(["queue", "rate", "burst", "concurrency", "attempts", "backoff"], queueRows),
  ].join("\n");
}

const shortUrn = (urn: string) => urn.split("::").pop() ?? urn;

export function renderViolations(violations: readonly Violation[]): string {
  if (violations.length === 0) return "Policy violations: none";
  const rows = [...violations]
    .sort((a, b) => a.level.localeCompare(b.level) * -1 || a.policy.localeCompare(b.policy))
    .map((v) => [v.policy, v.level, shortUrn(v.urn), v.message]);
  return `Policy violations (${violations.length})\n${table(["policy", "level", "resource", "message"], rows)}`;
}

const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));

export function renderDiff(diff: SnapshotDiff): string {
  const lines = [
    `Changes against the earlier snapshot: ${diff.added.length} to add, ${diff.changed.length} to change, ${diff.removed.length} to remove`,
  ];
  for (const r of diff.added) lines.push(`  + ${r.type} ${shortUrn(r.urn)}`);
  for (const r of diff.removed) lines.push(`  - ${r.type} ${shortUrn(r.urn)}`);
  for (const r of diff.changed) {
    lines.push(`  ~ ${r.type} ${shortUrn(r.urn)}`);
    for (const c of r.changes) {
      if (c.kind === "added") lines.push(`      + ${c.path}: ${show(c.after)}`);
      else if (c.kind === "removed") lines.push(`      - ${c.path}: ${show(c.before)}`);
      else lines.push(`      ~ ${c.path}: ${show(c.before)} => ${show(c.after)}`);
    }
  }
  return lines.join("\n");
}
