// Every IAM resource kind the pack judges (member, binding, policy on the project, buckets,
// datasets, Cloud Run services, functions, queues, service accounts and Artifact Registry
// repositories), read as plain grants.
import * as gcp from "@pulumi/gcp";
import { asArray, asRecord, asString, lastSegment, pulumiType } from "./values.ts";

export type IamScope =
  | "project"
  | "bucket"
  | "dataset"
  | "runService"
  | "function"
  | "queue"
  | "serviceAccount"
  | "repository";
type Shape = "member" | "binding" | "policy";

interface IamKind {
  scope: IamScope;
  shape: Shape;
  /** Input that names the resource the grant is on. */
  resourceKey: string;
}

/** A role held by members on one resource, whatever IAM resource kind declared it. */
export interface IamGrant {
  role: string;
  members: string[];
  scope: IamScope;
  /** Short name of the resource (project id, bucket, service, queue, account), if known. */
  resource: string | undefined;
}

const kinds: [unknown, IamKind][] = [
  [gcp.projects.IAMMember, { scope: "project", shape: "member", resourceKey: "project" }],
  [gcp.projects.IAMBinding, { scope: "project", shape: "binding", resourceKey: "project" }],
  [gcp.projects.IAMPolicy, { scope: "project", shape: "policy", resourceKey: "project" }],
  [gcp.storage.BucketIAMMember, { scope: "bucket", shape: "member", resourceKey: "bucket" }],
  [gcp.storage.BucketIAMBinding, { scope: "bucket", shape: "binding", resourceKey: "bucket" }],
  [gcp.storage.BucketIAMPolicy, { scope: "bucket", shape: "policy", resourceKey: "bucket" }],
  [gcp.bigquery.DatasetIamMember, { scope: "dataset", shape: "member", resourceKey: "datasetId" }],
  [gcp.bigquery.DatasetIamBinding, { scope: "dataset", shape: "binding", resourceKey: "datasetId" }],
  [gcp.bigquery.DatasetIamPolicy, { scope: "dataset", shape: "policy", resourceKey: "datasetId" }],
  [gcp.cloudrunv2.ServiceIamMember, { scope: "runService", shape: "member", resourceKey: "name" }],
  [gcp.cloudrunv2.ServiceIamBinding, { scope: "runService", shape: "binding", resourceKey: "name" }],
  [gcp.cloudrunv2.ServiceIamPolicy, { scope: "runService", shape: "policy", resourceKey: "name" }],
  [gcp.cloudrun.IamMember, { scope: "runService", shape: "member", resourceKey: "service" }],
  [gcp.cloudrun.IamBinding, { scope: "runService", shape: "binding", resourceKey: "service" }],
  [gcp.cloudrun.IamPolicy, { scope: "runService", shape: "policy", resourceKey: "service" }],
  [gcp.cloudfunctionsv2.FunctionIamMember, { scope: "function", shape: "member", resourceKey: "cloudFunction" }],
  [gcp.cloudfunctionsv2.FunctionIamBinding, { scope: "function", shape: "binding", resourceKey: "cloudFunction" }],
  [gcp.cloudfunctionsv2.FunctionIamPolicy, { scope: "function", shape: "policy", resourceKey: "cloudFunction" }],
  [gcp.cloudfunctions.FunctionIamMember, { scope: "function", shape: "member", resourceKey: "cloudFunction" }],
  [gcp.cloudfunctions.FunctionIamBinding, { scope: "function", shape: "binding", resourceKey: "cloudFunction" }],
  [gcp.cloudfunctions.FunctionIamPolicy, { scope: "function", shape: "policy", resourceKey: "cloudFunction" }],
  [gcp.cloudtasks.QueueIamMember, { scope: "queue", shape: "member", resourceKey: "name" }],
  [gcp.cloudtasks.QueueIamBinding, { scope: "queue", shape: "binding", resourceKey: "name" }],
  [gcp.cloudtasks.QueueIamPolicy, { scope: "queue", shape: "policy", resourceKey: "name" }],
  [gcp.serviceaccount.IAMMember, { scope: "serviceAccount", shape: "member", resourceKey: "serviceAccountId" }],
  [gcp.serviceaccount.IAMBinding, { scope: "serviceAccount", shape: "binding", resourceKey: "serviceAccountId" }],
  [gcp.serviceaccount.IAMPolicy, { scope: "serviceAccount", shape: "policy", resourceKey: "serviceAccountId" }],
  [gcp.artifactregistry.RepositoryIamMember, { scope: "repository", shape: "member", resourceKey: "repository" }],
  [gcp.artifactregistry.RepositoryIamBinding, { scope: "repository", shape: "binding", resourceKey: "repository" }],
  [gcp.artifactregistry.RepositoryIamPolicy, { scope: "repository", shape: "policy", resourceKey: "repository" }],
];

/** IAM kinds by Pulumi type token (each class's `__pulumiType`). */
export const IAM_KINDS: ReadonlyMap<string, IamKind> = new Map(kinds.map(([cls, kind]) => [pulumiType(cls), kind]));

/** Type tokens of the project-level IAM resources. */
export const PROJECT_IAM_TYPES: ReadonlySet<string> = new Set(
  kinds.filter(([, kind]) => kind.scope === "project").map(([cls]) => pulumiType(cls)),
);

/** `policyData` is a JSON document; an unreadable one yields no grants (the provider rejects it anyway). */
function policyBindings(policyData: unknown): { role: string; members: string[] }[] {
  const text = asString(policyData);
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  return asArray(asRecord(parsed)?.bindings).flatMap((binding) => {
    const record = asRecord(binding);
    const role = asString(record?.role);
    return role ? [{ role, members: asArray(record?.members).flatMap((m) => (typeof m === "string" ? [m] : [])) }] : [];
  });
}

/** The grants an IAM resource declares, or undefined when the type is not an IAM resource. */
export function iamGrants(type: string, props: Record<string, unknown>): IamGrant[] | undefined {
  const kind = IAM_KINDS.get(type);
  if (!kind) return undefined;
  const name = asString(props[kind.resourceKey]);
  const resource = name === undefined ? undefined : lastSegment(name);
  const base = { scope: kind.scope, resource };
  switch (kind.shape) {
    case "member": {
      const role = asString(props.role);
      const member = asString(props.member);
      return role && member ? [{ ...base, role, members: [member] }] : [];
    }
    case "binding": {
      const role = asString(props.role);
      const members = asArray(props.members).flatMap((m) => (typeof m === "string" ? [m] : []));
      return role ? [{ ...base, role, members }] : [];
    }
    case "policy":
      return policyBindings(props.policyData).map((b) => ({ ...base, ...b }));
  }
}

export const SCOPE_NAMES: Record<IamScope, string> = {
  project: "project",
  bucket: "bucket",
  dataset: "dataset",
  runService: "Cloud Run service",
  function: "function",
  queue: "queue",
  serviceAccount: "service account",
  repository: "Artifact Registry repository",
};

/** `on project "p"`, `on Cloud Run service "image-worker"`, for messages. */
export function describeScope(grant: IamGrant): string {
  return `on ${SCOPE_NAMES[grant.scope]}${grant.resource ? ` "${grant.resource}"` : ""}`;
}

export const PUBLIC_MEMBERS: ReadonlySet<string> = new Set(["allUsers", "allAuthenticatedUsers"]);
