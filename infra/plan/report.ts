// Renders a snapshot for a reviewer: resources by type, IAM grants, functions, queues. Service
// account emails are abbreviated (`sa:NAME`, with a legend) so the tables fit a PR comment.
import type { Snapshot, SnapshotResource } from "@genai-platform/policies/snapshot.ts";
import { table } from "@genai-platform/policies/table.ts";

export { table };

const ACCOUNT = /(?:serviceAccount:)?([a-z][a-z0-9-]*)@([a-z][a-z0-9-]*)\.iam\.gserviceaccount\.com/g;

/**
 * `serviceAccount:fn-x@proj.iam.gserviceaccount.com` -> `sa:fn-x`; Google's service agents
 * (`service-N@gcp-sa-logging...`) -> `agent:gcp-sa-logging`. Returns the legend of what was cut.
 */
export function abbreviateAccounts(text: string, legend: Set<string>): string {
  return text.replace(ACCOUNT, (_, name: string, project: string) => {
    if (project.startsWith("gcp-sa-")) {
      legend.add(`agent:${project} = serviceAccount:${name}@${project}.iam.gserviceaccount.com`);
      return `agent:${project}`;
    }
    legend.add(`sa:NAME = serviceAccount:NAME@${project}.iam.gserviceaccount.com`);
    return `sa:${name}`;
  });
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
      return `${String(i.serviceAccountId).split("/").pop()}`;
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

export function renderPlan(snapshot: Snapshot, queues: readonly QueueFacts[], settings?: string): string {
  const legend = new Set<string>();
  const short = (text: unknown) => abbreviateAccounts(String(text), legend);
  const counts = new Map<string, number>();
  for (const r of snapshot.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const byType = [...counts].sort(([a], [b]) => a.localeCompare(b));

  const iam = snapshot.resources
    .filter(isIamMember)
    .map((r) => [short(r.inputs.member), String(r.inputs.role), short(grantTarget(r))] as const)
    .sort((a, b) => a.join(" ").localeCompare(b.join(" ")));

  const functions = snapshot.resources
    .filter((r) => r.type === "gcp:cloudfunctionsv2/function:Function")
    .map((r) => {
      const s = (r.inputs.serviceConfig ?? {}) as Record<string, any>;
      return [
        String(r.inputs.name),
        get(r.inputs, "labels.trigger"),
        s.ingressSettings,
        s.serviceAccountEmail === undefined ? undefined : short(s.serviceAccountEmail),
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
    ...(settings ? [settings, ""] : []),
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
    ...(legend.size > 0 ? ["", "Abbreviations", ...[...legend].sort().map((l) => `  ${l}`)] : []),
  ].join("\n");
}
