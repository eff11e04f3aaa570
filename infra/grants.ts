// Who needs which role on which resource, derived from each function's access in the platform
// definition. Pure data: the IamGrants component turns it into *IamMember resources in one place.
import type { FunctionDefinition } from "@genai-platform/definition";
import { spendsOnGeneration } from "@genai-platform/definition/runtime-config";
import type { Platform } from "./labels.ts";

/** Whom a grant is for. */
export type Principal =
  | { kind: "function"; function: string }
  | { kind: "tasksInvoker" }
  /** The identity Cloud Scheduler signs the sweeper's OIDC token as. */
  | { kind: "scheduler" }
  /** The identity Cloud Build uses to turn function sources into images. */
  | { kind: "builder" }
  | { kind: "allUsers" }
  /** Google's Vertex AI service agent, which writes Veo output into the bucket. */
  | { kind: "vertexAiServiceAgent" }
  /** The log sink's unique writer identity. */
  | { kind: "logSinkWriter" };

/** The resource a role is bound on: always the narrowest one that carries the permission. */
export type Scope =
  | { kind: "project" }
  | { kind: "mediaBucket" }
  /** The bucket holding the functions' source bundles. */
  | { kind: "sourceBucket" }
  /**
   * The bucket Gen 2 copies each source into and Cloud Build really fetches from,
   * `gcf-v2-sources-<project number>-<region>`. Google creates it during the first function deploy,
   * so it has no IAM policy to bind on beforehand: the grant is made on the project with an IAM
   * condition that names only that bucket and its objects.
   */
  | { kind: "functionSourcesBucket" }
  /** The Artifact Registry repository the function images are pushed to. */
  | { kind: "imageRepository" }
  | { kind: "queue"; queue: string }
  /** The Cloud Run service behind a Gen 2 function. */
  | { kind: "runService"; function: string }
  | { kind: "serviceAccount"; account: { kind: "function"; function: string } | { kind: "tasksInvoker" } }
  | { kind: "dataset" };

export interface Grant {
  principal: Principal;
  role: string;
  scope: Scope;
  /** Why the grant exists (and, for project-level grants, why nothing narrower carries it). */
  reason: string;
}

/**
 * The only roles granted on the whole project, each with the reason no narrower resource carries
 * its permissions. Anything else must be bound on a bucket, queue, service, account or dataset.
 */
export const PROJECT_LEVEL_ROLES = {
  "roles/aiplatform.user":
    "Vertex AI publisher models (Gemini, Veo) are called through project-scoped endpoints; there is no per-model IAM resource.",
  "roles/datastore.user":
    "Firestore data access is granted on the project; a database has no IAM policy of its own and the rules file does not govern the Admin SDK.",
  "roles/datastore.viewer": "Read-only Firestore access for status endpoints; same scope limits as datastore.user.",
  // Source: https://firebase.google.com/docs/reference/appcheck/rest/v1beta/projects/verifyAppCheckToken
  // Source: https://cloud.google.com/iam/docs/roles-permissions/firebaseappcheck
  "roles/firebaseappcheck.tokenVerifier":
    "verifyAppCheckToken is a method of the project (`projects/{number}`) and needs firebaseappcheck.appCheckTokens.verify; App Check has no narrower IAM resource, and this role carries only that permission.",
  "roles/logging.logWriter": "Log entries are written to the project's log buckets; no narrower resource exists.",
  "roles/monitoring.metricWriter":
    "Custom metrics are written to the project's metric scope; no narrower resource exists.",
} as const satisfies Record<string, string>;

type MediaAccess = FunctionDefinition["access"]["mediaBucket"];

/** Object roles on the media bucket per access level; `sign` reads and signs with its own key. */
const MEDIA_ROLES: Record<Exclude<MediaAccess, "none">, string[]> = {
  read: ["roles/storage.objectViewer"],
  write: ["roles/storage.objectCreator"],
  readWrite: ["roles/storage.objectUser"],
  sign: ["roles/storage.objectViewer"],
};

function functionGrants(fn: FunctionDefinition): Grant[] {
  const self: Principal = { kind: "function", function: fn.name };
  const project = { kind: "project" } as const;
  const grants: Grant[] = [
    {
      principal: self,
      role: "roles/logging.logWriter",
      scope: project,
      reason: "structured generation events and logs",
    },
    { principal: self, role: "roles/monitoring.metricWriter", scope: project, reason: "runtime metrics" },
  ];
  const { access } = fn;
  if (access.firestore === "readWrite") {
    grants.push({ principal: self, role: "roles/datastore.user", scope: project, reason: "jobs, usage ledger, users" });
  } else if (access.firestore === "read") {
    grants.push({ principal: self, role: "roles/datastore.viewer", scope: project, reason: "reads jobs and usage" });
  }
  if (access.vertexAi) {
    grants.push({ principal: self, role: "roles/aiplatform.user", scope: project, reason: "calls Vertex AI models" });
  }
  if (access.mediaBucket !== "none") {
    for (const role of MEDIA_ROLES[access.mediaBucket]) {
      grants.push({
        principal: self,
        role,
        scope: { kind: "mediaBucket" },
        reason: `media bucket: ${access.mediaBucket}`,
      });
    }
  }
  if (access.mediaBucket === "sign") {
    grants.push({
      principal: self,
      role: "roles/iam.serviceAccountTokenCreator",
      scope: { kind: "serviceAccount", account: { kind: "function", function: fn.name } },
      reason: "signs V4 URLs with its own identity (signBlob on itself only)",
    });
  }
  for (const queue of access.enqueues) {
    grants.push({
      principal: self,
      role: "roles/cloudtasks.enqueuer",
      scope: { kind: "queue", queue },
      reason: "creates tasks",
    });
  }
  if (access.enqueues.length > 0) {
    grants.push({
      principal: self,
      role: "roles/iam.serviceAccountUser",
      scope: { kind: "serviceAccount", account: { kind: "tasksInvoker" } },
      reason: "tasks carry an OIDC token of the tasks invoker (actAs on that account only)",
    });
  }
  if (fn.trigger === "https") {
    grants.push({
      principal: { kind: "allUsers" },
      role: "roles/run.invoker",
      scope: { kind: "runService", function: fn.name },
      reason: "public endpoint; the handler verifies the Firebase ID token",
    });
  } else if (fn.trigger === "task") {
    grants.push({
      principal: { kind: "tasksInvoker" },
      role: "roles/run.invoker",
      scope: { kind: "runService", function: fn.name },
      reason: `only Cloud Tasks (as the tasks invoker) may call the ${fn.drains} worker`,
    });
  } else {
    // Cloud Run and Gen 2 functions verify the token Cloud Scheduler attaches: the scheduler's
    // identity needs run.invoker on this one service, and nothing else.
    // Source: https://cloud.google.com/scheduler/docs/http-target-auth
    grants.push({
      principal: { kind: "scheduler" },
      role: "roles/run.invoker",
      scope: { kind: "runService", function: fn.name },
      reason: `only Cloud Scheduler (as the scheduler identity) may call ${fn.name}`,
    });
  }
  return grants;
}

/**
 * Replay protection: "The caller must have the firebaseappcheck.appCheckTokens.verify permission
 * ... part of the Firebase App Check Token Verifier role", `roles/firebaseappcheck.tokenVerifier`.
 * Source: https://firebase.google.com/docs/reference/appcheck/rest/v1beta/projects/verifyAppCheckToken
 * Source: https://cloud.google.com/iam/docs/roles-permissions/firebaseappcheck
 */
function appCheckConsumeGrant(fn: FunctionDefinition): Grant {
  return {
    principal: { kind: "function", function: fn.name },
    role: "roles/firebaseappcheck.tokenVerifier",
    scope: { kind: "project" },
    reason: "consumes App Check tokens once each (verifyAppCheckToken, replay protection)",
  };
}

/** Grants that must exist (and have propagated) before any function is built or runs. */
export function grantsBeforeFunctions(grants: readonly Grant[]): Grant[] {
  return grants.filter((g) => g.scope.kind !== "runService");
}

/** Grants bound on the functions' own Cloud Run services, which exist only once the functions do. */
export function grantsOnFunctions(grants: readonly Grant[]): Grant[] {
  return grants.filter((g) => g.scope.kind === "runService");
}

export interface GrantOptions {
  /**
   * The stack consumes App Check tokens (`appCheckConsume`): each spending endpoint calls
   * verifyAppCheckToken as itself. Default: false, and no App Check role is granted.
   */
  appCheckConsume?: boolean;
}

/** Every grant the platform needs, in a stable order. */
export function planGrants(platform: Platform, options: GrantOptions = {}): Grant[] {
  const grants = platform.functions.flatMap((fn) => [
    ...functionGrants(fn),
    ...(options.appCheckConsume && spendsOnGeneration(fn) ? [appCheckConsumeGrant(fn)] : []),
  ]);
  if (platform.functions.some((fn) => fn.model === "video")) {
    grants.push({
      principal: { kind: "vertexAiServiceAgent" },
      role: "roles/storage.objectCreator",
      scope: { kind: "mediaBucket" },
      reason: "Veo writes generated videos straight to the bucket's storageUri",
    });
  }
  // A dedicated build identity: the project's default build account is either over-privileged
  // (Editor on older projects) or lacks these roles (newer ones).
  const builder = { kind: "builder" } as const;
  grants.push(
    { principal: builder, role: "roles/logging.logWriter", scope: { kind: "project" }, reason: "build logs" },
    {
      principal: builder,
      role: "roles/storage.objectViewer",
      scope: { kind: "sourceBucket" },
      reason: "reads the source bundles it builds",
    },
    {
      principal: builder,
      role: "roles/storage.objectViewer",
      scope: { kind: "functionSourcesBucket" },
      // Build logs name gs://gcf-v2-sources-N-REGION/... as the archive the build fetches:
      // https://github.com/hashicorp/terraform-provider-google/issues/20571
      reason: "fetches the copy of each source Gen 2 makes in gcf-v2-sources-<number>-<region>",
    },
    {
      principal: builder,
      role: "roles/artifactregistry.writer",
      scope: { kind: "imageRepository" },
      reason: "pushes the built function images",
    },
  );
  grants.push({
    principal: { kind: "logSinkWriter" },
    role: "roles/bigquery.dataEditor",
    scope: { kind: "dataset" },
    reason: "the log sink streams generation events into the analytics dataset",
  });
  for (const grant of grants) {
    if (grant.scope.kind === "project" && !(grant.role in PROJECT_LEVEL_ROLES)) {
      throw new Error(
        `grant ${grant.role}: project-level roles are limited to ${Object.keys(PROJECT_LEVEL_ROLES).join(", ")}`,
      );
    }
  }
  return grants;
}

/** Short, stable text for a principal, used in resource names. */
export function principalLabel(principal: Principal): string {
  return principal.kind === "function" ? principal.function : principal.kind;
}

/** Short, stable text for a scope, used in resource names. */
export function scopeLabel(scope: Scope): string {
  switch (scope.kind) {
    case "queue":
      return `queue-${scope.queue}`;
    case "runService":
      return `run-${scope.function}`;
    case "functionSourcesBucket":
      return "gcf-v2-sources";
    case "serviceAccount":
      return `sa-${scope.account.kind === "function" ? scope.account.function : "tasksInvoker"}`;
    default:
      return scope.kind;
  }
}
