// Compliant baseline resources shaped like the real stack's, and builders that change ONE property,
// so each policy case reads as "the baseline, except ...".
import type { Snapshot, SnapshotResource } from "../src/snapshot.ts";

export const PROJECT = "genai-platform-test";
export const REGION = "europe-west1";
const LABELS = { env: "prod", "managed-by": "pulumi" };

export function urnOf(type: string, name: string, stack = "prod"): string {
  return `urn:pulumi:${stack}::genai-platform::${type}::${name}`;
}

function resource(type: string, name: string, inputs: Record<string, unknown>): SnapshotResource {
  return { urn: urnOf(type, name), type, name, inputs };
}

export const saEmail = (id: string) => `${id}@${PROJECT}.iam.gserviceaccount.com`;

/** The endpoints that spend: they carry App Check and the daily budget as the program sets them for prod. */
export const SPENDING_FUNCTIONS = ["generate-image", "generate-video", "creative-director-agent"];

/** A Gen 2 function as the program declares it; `worker` gives it internal ingress and no tier limits. */
export function fn(name = "generate-image", options: { worker?: boolean } = {}): SnapshotResource {
  const env: Record<string, string> = { PLATFORM_ENV: "prod", GCP_PROJECT: PROJECT, GCP_REGION: REGION };
  if (!options.worker)
    env.TIER_LIMITS = JSON.stringify({
      free: { image: 20, video: 2, agent: 50 },
      pro: { image: 500, video: 40, agent: 1000 },
    });
  if (SPENDING_FUNCTIONS.includes(name)) {
    env.APP_CHECK_MODE = "enforce";
    env.DAILY_BUDGET_USD = "500";
  }
  return resource("gcp:cloudfunctionsv2/function:Function", `platform-${name}`, {
    project: PROJECT,
    location: REGION,
    name,
    labels: { ...LABELS, function: name },
    buildConfig: {
      runtime: "nodejs22",
      entryPoint: "generateImage",
      source: { storageSource: { bucket: "src", object: `${name}/abc.zip` } },
    },
    serviceConfig: {
      serviceAccountEmail: saEmail(`fn-${name}`),
      availableMemory: "512Mi",
      availableCpu: "1",
      timeoutSeconds: 30,
      minInstanceCount: 0,
      maxInstanceCount: 20,
      maxInstanceRequestConcurrency: 80,
      ingressSettings: options.worker ? "ALLOW_INTERNAL_ONLY" : "ALLOW_ALL",
      allTrafficOnLatestRevision: true,
      environmentVariables: env,
    },
  });
}

export function queue(name = "image-jobs"): SnapshotResource {
  return resource("gcp:cloudtasks/queue:Queue", `platform-${name}`, {
    project: PROJECT,
    location: REGION,
    name,
    rateLimits: { maxDispatchesPerSecond: 50, maxConcurrentDispatches: 500 },
    retryConfig: { maxAttempts: 8, minBackoff: "2s", maxBackoff: "120s", maxDoublings: 5 },
    stackdriverLoggingConfig: { samplingRatio: 1 },
  });
}

export function bucket(purpose = "media"): SnapshotResource {
  return resource("gcp:storage/bucket:Bucket", `platform-${purpose}`, {
    project: PROJECT,
    name: `${PROJECT}-${purpose}`,
    location: REGION,
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    forceDestroy: false,
    lifecycleRules: [{ action: { type: "Delete" }, condition: { age: 30 } }],
    labels: { ...LABELS, purpose },
  });
}

export function dataset(): SnapshotResource {
  return resource("gcp:bigquery/dataset:Dataset", "platform-dataset", {
    project: PROJECT,
    datasetId: "genai_analytics",
    location: "EU",
    defaultPartitionExpirationMs: 400 * 86_400_000,
    deleteContentsOnDestroy: false,
    labels: LABELS,
  });
}

export function sink(): SnapshotResource {
  return resource("gcp:logging/projectSink:ProjectSink", "platform-sink", {
    project: PROJECT,
    name: "genai-generation-events",
    destination: `bigquery.googleapis.com/projects/${PROJECT}/datasets/genai_analytics`,
    filter: 'jsonPayload.eventType="genai.generation"',
    uniqueWriterIdentity: true,
    bigqueryOptions: { usePartitionedTables: true },
  });
}

export function firestore(): SnapshotResource {
  return resource("gcp:firestore/database:Database", "platform-database", {
    project: PROJECT,
    name: "(default)",
    locationId: "eur3",
    type: "FIRESTORE_NATIVE",
    deleteProtectionState: "DELETE_PROTECTION_ENABLED",
    pointInTimeRecoveryEnablement: "POINT_IN_TIME_RECOVERY_ENABLED",
  });
}

export function alertPolicy(): SnapshotResource {
  return resource("gcp:monitoring/alertPolicy:AlertPolicy", "platform-function-5xx", {
    project: PROJECT,
    displayName: "Function 5xx rate",
    combiner: "OR",
    userLabels: LABELS,
  });
}

export function notificationChannel(): SnapshotResource {
  return resource("gcp:monitoring/notificationChannel:NotificationChannel", "platform-email", {
    project: PROJECT,
    type: "email",
    labels: { email_address: "alerts@example.com" },
    userLabels: LABELS,
  });
}

export function budget(): SnapshotResource {
  return resource("gcp:billing/budget:Budget", "platform-budget", {
    billingAccount: "012345-567890-ABCDEF",
    displayName: "genai-platform prod monthly",
    budgetFilter: { projects: ["projects/123456789012"], calendarPeriod: "MONTH" },
    amount: { specifiedAmount: { currencyCode: "USD", units: "15500", nanos: 0 } },
    thresholdRules: [
      { thresholdPercent: 0.5, spendBasis: "CURRENT_SPEND" },
      { thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" },
    ],
    allUpdatesRule: { monitoringNotificationChannels: [`projects/${PROJECT}/notificationChannels/123`] },
  });
}

export function serviceAccount(id = "fn-generate-image"): SnapshotResource {
  return resource("gcp:serviceaccount/account:Account", `platform-${id}`, { project: PROJECT, accountId: id });
}

/** An IAM member of any kind: `scope` is the input naming the resource (project, bucket, name, ...). */
export function iamMember(
  type: string,
  name: string,
  inputs: { role: string; member: string } & Record<string, unknown>,
): SnapshotResource {
  return resource(type, name, inputs);
}

export const PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember";
export const RUN_MEMBER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember";

export function projectGrant(
  role: string,
  member = `serviceAccount:${saEmail("fn-generate-image")}`,
): SnapshotResource {
  return iamMember(PROJECT_MEMBER, `grant-${role}-${member}`, { project: PROJECT, role, member });
}

export function runInvoker(service = "generate-image", member = "allUsers"): SnapshotResource {
  return iamMember(RUN_MEMBER, `invoker-${service}-${member}`, {
    project: PROJECT,
    location: REGION,
    name: service,
    role: "roles/run.invoker",
    member,
  });
}

/** The whole compliant stack: every policy of the pack has something to judge. */
export function baselineResources(): SnapshotResource[] {
  return [
    serviceAccount("fn-generate-image"),
    serviceAccount("fn-image-worker"),
    fn("generate-image"),
    fn("image-worker", { worker: true }),
    queue("image-jobs"),
    bucket("media"),
    dataset(),
    sink(),
    firestore(),
    alertPolicy(),
    notificationChannel(),
    projectGrant("roles/datastore.user"),
    runInvoker("generate-image", "allUsers"),
    runInvoker("image-worker", `serviceAccount:${saEmail("tasks-invoker")}`),
    budget(),
  ];
}

export function snapshotOf(resources: SnapshotResource[], stack = "prod"): Snapshot {
  return { stack, resources, violations: [] };
}

/** A copy of the resource with the input at `path` (dot-separated) set, or removed when `value` is undefined. */
export function withInput(base: SnapshotResource, path: string, value: unknown): SnapshotResource {
  const copy = structuredClone(base);
  const keys = path.split(".");
  let target: Record<string, unknown> = copy.inputs;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== "object" || next === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

/** A copy with a different type token (e.g. the same grant as a binding or on another resource kind). */
export function withType(base: SnapshotResource, type: string): SnapshotResource {
  return { ...structuredClone(base), type, urn: urnOf(type, base.name) };
}
