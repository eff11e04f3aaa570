// The one place IAM grants become resources: each Grant (data, from infra/grants.ts) turns into
// the *IamMember resource of its scope. Additive members only; no policy or binding replaces
// grants made outside this program.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { type Grant, type Principal, principalLabel, type Scope, scopeLabel } from "../grants.ts";

/** A service account as grants need it: its IAM member string and its resource name. */
export interface AccountRef {
  /** `serviceAccount:EMAIL` */
  member: pulumi.Input<string>;
  /** `projects/P/serviceAccounts/EMAIL`, the id service-account-scoped grants bind on. */
  name: pulumi.Input<string>;
}

export interface IamGrantsArgs {
  /** Project for project-level grants and for queue, service and dataset lookups. */
  project: string;
  /** Region of the queues and Cloud Run services. */
  region: string;
  /** Project number (for the Google-created `gcf-v2-sources-<number>-<region>` bucket). */
  projectNumber: pulumi.Input<string>;
  /** The grants to create (see `planGrants`). */
  grants: readonly Grant[];
  /** Runtime identity per function name. */
  functionAccounts: Readonly<Record<string, AccountRef>>;
  /** The tasks invoker identity. */
  tasksInvoker: AccountRef;
  /** The functions' build identity. */
  builder: AccountRef;
  /** The identity Cloud Scheduler calls the sweeper as; required once a grant names it. */
  scheduler?: AccountRef;
  /** Member string of the Vertex AI service agent (`serviceAccount:service-N@gcp-sa-aiplatform...`). */
  vertexAiServiceAgent: pulumi.Input<string>;
  /** The log sink's writer identity (already a member string). */
  logSinkWriter: pulumi.Input<string>;
  /** Media bucket name. */
  mediaBucket: pulumi.Input<string>;
  /** Function source bucket name. */
  sourceBucket: pulumi.Input<string>;
  /** Artifact Registry repository id of the function images (in `region`). */
  imageRepository: pulumi.Input<string>;
  /** Queue id per definition name. */
  queues: Readonly<Record<string, pulumi.Input<string>>>;
  /** Cloud Run service name per function name (`serviceConfig.service` of the Gen 2 function). */
  runServices: Readonly<Record<string, pulumi.Input<string>>>;
  /** Analytics dataset id. */
  datasetId: pulumi.Input<string>;
  /**
   * Prefix of the member resources' names. Default: the component's name. Two components sharing
   * one prefix keep their members' URNs (the parent's type is part of a URN, not its name).
   */
  memberPrefix?: string;
}

export class IamGrants extends pulumi.ComponentResource {
  /** Every created member resource, in grant order. */
  readonly members: pulumi.CustomResource[];

  constructor(name: string, args: IamGrantsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:IamGrants", name, {}, opts);
    const normalized = normalizeIamGrantsArgs(args);
    const prefix = normalized.memberPrefix ?? name;
    this.members = normalized.grants.map((grant) => createMember(this, prefix, normalized, grant));
    this.registerOutputs({ count: this.members.length });
  }
}

type Normalized = ReturnType<typeof normalizeIamGrantsArgs>;

function normalizeIamGrantsArgs(args: IamGrantsArgs) {
  const seen = new Set<string>();
  for (const grant of args.grants) {
    if (grant.role.match(/^roles\/(owner|editor|viewer)$/)) {
      throw new Error(
        `IamGrants: primitive role ${grant.role} for ${principalLabel(grant.principal)} is never granted`,
      );
    }
    const id = grantId(grant);
    if (seen.has(id)) throw new Error(`IamGrants: grant ${id} is declared twice`);
    seen.add(id);
  }
  return args;
}

function grantId(grant: Grant): string {
  const role = grant.role.replace(/^roles\//, "").replace(/\./g, "-");
  return `${principalLabel(grant.principal)}-${role}-${scopeLabel(grant.scope)}`;
}

function memberOf(args: Normalized, principal: Principal): pulumi.Input<string> {
  switch (principal.kind) {
    case "function": {
      const account = args.functionAccounts[principal.function];
      if (!account) throw new Error(`IamGrants: no service account for function ${principal.function}`);
      return account.member;
    }
    case "tasksInvoker":
      return args.tasksInvoker.member;
    case "builder":
      return args.builder.member;
    case "scheduler":
      if (!args.scheduler) throw new Error("IamGrants: a grant names the scheduler identity, but none is given");
      return args.scheduler.member;
    case "allUsers":
      return "allUsers";
    case "vertexAiServiceAgent":
      return args.vertexAiServiceAgent;
    case "logSinkWriter":
      return args.logSinkWriter;
  }
}

/**
 * Gen 2 stores function code in `gcf-v2-sources-PROJECT_NUMBER-REGION`:
 * https://cloud.google.com/functions/docs/building
 * Storage resource names in conditions are `projects/_/buckets/B/objects/O`:
 * https://cloud.google.com/iam/docs/conditions-resource-attributes#resource-name
 */
function functionSourcesCondition(args: Normalized) {
  return {
    title: "gcf-v2-sources only",
    description: "The bucket Cloud Functions (2nd gen) copies sources into and Cloud Build fetches from.",
    expression: pulumi.interpolate`resource.name.startsWith("projects/_/buckets/gcf-v2-sources-${args.projectNumber}-${args.region}")`,
  };
}

function lookup<T>(map: Readonly<Record<string, T>>, key: string, what: string): T {
  const value = map[key];
  if (value === undefined) throw new Error(`IamGrants: unknown ${what} "${key}"`);
  return value;
}

function createMember(parent: pulumi.Resource, prefix: string, args: Normalized, grant: Grant): pulumi.CustomResource {
  const name = `${prefix}-${grantId(grant)}`;
  const member = memberOf(args, grant.principal);
  const { role } = grant;
  const opts = { parent };
  const scope: Scope = grant.scope;
  switch (scope.kind) {
    case "project":
      return new gcp.projects.IAMMember(name, { project: args.project, role, member }, opts);
    case "mediaBucket":
      return new gcp.storage.BucketIAMMember(name, { bucket: args.mediaBucket, role, member }, opts);
    case "sourceBucket":
      return new gcp.storage.BucketIAMMember(name, { bucket: args.sourceBucket, role, member }, opts);
    case "functionSourcesBucket":
      return new gcp.projects.IAMMember(
        name,
        { project: args.project, role, member, condition: functionSourcesCondition(args) },
        opts,
      );
    case "imageRepository":
      return new gcp.artifactregistry.RepositoryIamMember(
        name,
        { project: args.project, location: args.region, repository: args.imageRepository, role, member },
        opts,
      );
    case "queue":
      return new gcp.cloudtasks.QueueIamMember(
        name,
        { project: args.project, location: args.region, name: lookup(args.queues, scope.queue, "queue"), role, member },
        opts,
      );
    case "runService":
      return new gcp.cloudrunv2.ServiceIamMember(
        name,
        {
          project: args.project,
          location: args.region,
          name: lookup(args.runServices, scope.function, "function"),
          role,
          member,
        },
        opts,
      );
    case "serviceAccount": {
      const account =
        scope.account.kind === "tasksInvoker"
          ? args.tasksInvoker
          : lookup(args.functionAccounts, scope.account.function, "function");
      return new gcp.serviceaccount.IAMMember(name, { serviceAccountId: account.name, role, member }, opts);
    }
    case "dataset":
      return new gcp.bigquery.DatasetIamMember(
        name,
        { project: args.project, datasetId: args.datasetId, role, member },
        opts,
      );
  }
}
