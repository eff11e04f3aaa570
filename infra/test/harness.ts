// Evaluates the real program for a stack under Pulumi's mocks (as the offline plan does) and
// gives tests a finder over the recorded resources. Pulumi's runtime state is global, so
// evaluations in one file run one after another, never concurrently.
import type { SnapshotResource } from "@genai-platform/policies/snapshot.ts";
import { evaluateStack, type Program, REPO_ROOT } from "../plan/evaluate.ts";
import { readStackConfig } from "../plan/stack-config.ts";

/** A recorded resource whose inputs tests may read freely. */
export type TestResource = SnapshotResource & { inputs: Record<string, any> };

export interface StackUnderTest {
  stack: string;
  config: Record<string, string>;
  resources: TestResource[];
  outputs: Record<string, any>;
  /** The one resource of this type and logical name; throws when absent, so a typo cannot pass. */
  findResource(type: string, name: string): TestResource;
  /** Every resource of a type. */
  all(type: string): TestResource[];
}

export const TYPES = {
  account: "gcp:serviceaccount/account:Account",
  accountKey: "gcp:serviceaccount/key:Key",
  hmacKey: "gcp:storage/hmacKey:HmacKey",
  fn: "gcp:cloudfunctionsv2/function:Function",
  object: "gcp:storage/bucketObject:BucketObject",
  queue: "gcp:cloudtasks/queue:Queue",
  bucket: "gcp:storage/bucket:Bucket",
  database: "gcp:firestore/database:Database",
  index: "gcp:firestore/index:Index",
  field: "gcp:firestore/field:Field",
  ruleset: "gcp:firebaserules/ruleset:Ruleset",
  release: "pulumi-nodejs:dynamic/genai-platform:RulesRelease",
  wait: "pulumi-nodejs:dynamic/genai-platform:PropagationWait",
  functions: "genai-platform:infra:Functions",
  grants: "genai-platform:infra:IamGrants",
  dataset: "gcp:bigquery/dataset:Dataset",
  table: "gcp:bigquery/table:Table",
  sink: "gcp:logging/projectSink:ProjectSink",
  channel: "gcp:monitoring/notificationChannel:NotificationChannel",
  alert: "gcp:monitoring/alertPolicy:AlertPolicy",
  budget: "gcp:billing/budget:Budget",
  logMetric: "gcp:logging/metric:Metric",
  service: "gcp:projects/service:Service",
  projectMember: "gcp:projects/iAMMember:IAMMember",
  bucketMember: "gcp:storage/bucketIAMMember:BucketIAMMember",
  queueMember: "gcp:cloudtasks/queueIamMember:QueueIamMember",
  runMember: "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
  accountMember: "gcp:serviceaccount/iAMMember:IAMMember",
  datasetMember: "gcp:bigquery/datasetIamMember:DatasetIamMember",
  repositoryMember: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
  repository: "gcp:artifactregistry/repository:Repository",
  schedulerJob: "gcp:cloudscheduler/job:Job",
  scheduler: "genai-platform:infra:Scheduler",
} as const;

/** Evaluates the stack's own file, with `overrides` (fully qualified keys) laid over it. */
export async function evaluateForTest(
  stack: string,
  program?: Program,
  overrides: Readonly<Record<string, string>> = {},
): Promise<StackUnderTest> {
  const config = { ...readStackConfig(REPO_ROOT, stack), ...overrides };
  const { resources, outputs } = await evaluateStack({ stack, config, ...(program ? { program } : {}) });
  return {
    stack,
    config,
    resources,
    outputs: outputs as Record<string, any>,
    findResource(type, name) {
      const found = resources.filter((r) => r.type === type && r.name === name);
      if (found.length !== 1) {
        const known = resources.filter((r) => r.type === type).map((r) => r.name);
        throw new Error(`expected one ${type} named ${name}, found ${found.length} (have: ${known.join(", ")})`);
      }
      return found[0]!;
    },
    all: (type) => resources.filter((r) => r.type === type),
  };
}
