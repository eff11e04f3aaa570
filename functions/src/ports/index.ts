// The small interfaces the domain needs. Adapters implement them with Google SDKs in production
// and with the same SDKs against local servers in tests; the domain imports no SDK.
import type { ImageRequest, VideoRequest } from "@genai-platform/client/api";
import type { QueueName, TierName, UsageKind } from "@genai-platform/definition";
import type { BudgetPiece, DailyBudget } from "../domain/budget.ts";
import type { Job, JobFailure, JobLease, JobOutput } from "../domain/job.ts";

// ---- identity -------------------------------------------------------------------------------

export interface VerifiedUser {
  uid: string;
  /** The token's `firebase.sign_in_provider` claim: "anonymous", "password", "google.com", ... */
  signInProvider: string;
  /** The token's `email_verified` claim; false when absent. */
  emailVerified: boolean;
}

export interface VerifyOptions {
  /**
   * Also refuse (TOKEN_REVOKED) a token whose account is disabled, deleted or had its sessions
   * revoked; the account lookup may be cached for a short while (see the adapter).
   */
  checkRevoked?: boolean;
}

export interface IdentityVerifier {
  /** Verifies a Firebase ID token; throws AppError with a TOKEN_* code when it is not valid. */
  verify(idToken: string, options?: VerifyOptions): Promise<VerifiedUser>;
}

/** A verified Firebase App Check token: the app it attests. */
export interface AttestedApp {
  appId: string;
}

export interface AppCheckVerifier {
  /**
   * Verifies a Firebase App Check token; with `consume`, also marks it used (replay protection).
   * Throws AppError APP_CHECK_INVALID / APP_CHECK_EXPIRED / APP_CHECK_REPLAYED for a token that
   * must be refused, UNAVAILABLE when the verification itself could not be done.
   */
  verify(token: string, options: { consume: boolean }): Promise<AttestedApp>;
}

// ---- Firestore: admission, jobs, usage ----------------------------------------------------

/** What the admission transaction read, handed to the domain's decision. */
export interface AdmissionState {
  tier: TierName;
  /** Units of `kind` already charged to the user on `day`. */
  used: number;
  /** The user's admissions (any kind) already counted in the input's `minute`. */
  admittedThisMinute: number;
  /** The job an earlier request with the same idempotency key created, if any. */
  existingJob?: Job;
}

/**
 * What the domain decided inside the transaction; the store writes exactly this. The store alone
 * answers `over-budget` (the day's budget cannot hold the cost; nothing written), and returns a
 * `create`/`charge` with the budget pieces it reserved.
 */
export type AdmissionDecision =
  | { type: "create"; job: Job }
  | { type: "charge"; budgetPieces?: BudgetPiece[] }
  | { type: "existing"; job: Job }
  | { type: "reject"; error: Error }
  | { type: "over-budget" };

export interface AdmissionInput {
  uid: string;
  kind: UsageKind;
  /** UTC day `YYYY-MM-DD`. */
  day: string;
  /** UTC minute `YYYY-MM-DDTHH:MM` the burst counter counts this admission in. */
  minute: string;
  /** Estimated cost in micro-USD, added to the user's day and reserved against `budget`. */
  costMicroUsd: number;
  /** The global daily budget to reserve the cost against; absent: unlimited. */
  budget?: DailyBudget;
  idempotencyKey?: string;
}

/** What a refund returns: one unit of `kind` on `day`, its cost, and the budget pieces it held. */
export interface ChargeRefund {
  uid: string;
  kind: UsageKind;
  day: string;
  costMicroUsd?: number;
  budgetPieces?: readonly BudgetPiece[];
}

export interface AdmissionStore {
  /**
   * ONE transaction: read the user's tier, the day's usage for the kind, the minute's burst count
   * and the idempotency record; call `decide`; on `create`/`charge` reserve the cost on the budget's
   * shards (or answer `over-budget` and write nothing), increment usage, cost and the burst count,
   * and on `create` also write the job (with its budget pieces) and the idempotency record; on
   * `existing`/`reject` write nothing. Contention that outlasts
   * the SDK's and the store's bounded retries surfaces as AppError BUSY (retryable), never as a raw error.
   */
  admit(input: AdmissionInput, decide: (state: AdmissionState) => AdmissionDecision): Promise<AdmissionDecision>;
  /** Returns what a `charge` decision took: the unit, its cost and its budget pieces, in one atomic batch. */
  refundCharge(input: ChargeRefund): Promise<void>;
}

/** A change to a job computed inside a transaction. `refund: true` returns its usage unit atomically. */
export interface JobUpdate {
  status?: Job["status"];
  lease?: JobLease | null;
  attempts?: number;
  operationName?: string;
  polls?: number;
  output?: JobOutput;
  error?: JobFailure;
  refund?: boolean;
  sweeps?: number;
  sweptAt?: Date;
  /** Deletes the job's idempotency record in the same transaction, so a retried request admits afresh. */
  releaseIdempotencyKey?: boolean;
}

export interface JobStore {
  get(jobId: string): Promise<Job | undefined>;
  /**
   * Transactional read-modify-write. `change` sees the current job and the transaction's clock and
   * returns the update to apply, or undefined to leave the job untouched. Resolves to the job after
   * the transaction and whether it changed; undefined when the job does not exist.
   */
  update(
    jobId: string,
    change: (job: Job, now: Date) => JobUpdate | undefined,
  ): Promise<{ job: Job; changed: boolean } | undefined>;
}

/** The sweeper's query: unfinished jobs, oldest first, one bounded page at a time. */
export interface UnfinishedJobs {
  /**
   * Jobs `queued` or `running` created before `before`, oldest first, at most `limit`, after the
   * job `after` (the previous page's last) when given.
   */
  page(options: { before: Date; limit: number; after?: Job }): Promise<Job[]>;
}

export interface UsageReader {
  /**
   * Tier, units used per kind and the estimated cost charged (micro-USD) on `day`, in total and per
   * kind (admissions before the per-kind split count in the total only).
   */
  read(
    uid: string,
    day: string,
  ): Promise<{
    tier: TierName;
    used: Record<UsageKind, number>;
    costMicroUsd: number;
    costMicroUsdByKind: Record<UsageKind, number>;
  }>;
}

/** A suspension an operator set on `users/{uid}`. */
export interface Suspension {
  reason?: string;
  /** ISO 8601 time of the suspension. */
  at: string;
  /** The operator who suspended the account. */
  by: string;
}

/** Kinds of generation an operator may pause (the kill switch). */
export type PausableKind = "image" | "video" | "agent";

export interface AccessControls {
  /** The user's suspension, read afresh on every call (a suspension holds from the next request). */
  suspension(uid: string): Promise<Suspension | undefined>;
  /** Whether `kind` is paused; may answer from a cache a few seconds old (see the adapter). */
  paused(kind: PausableKind): Promise<boolean>;
}

// ---- Cloud Tasks --------------------------------------------------------------------------

export interface TaskRequest {
  /** Task id: the job id (plus a suffix for video polls). Duplicate names are deduplicated. */
  taskId: string;
  /** `poll`: the video poll's number (1-based), also the task id's suffix. */
  payload: { jobId: string; step: "run" | "start" | "poll"; poll?: number };
  /** Deliver no earlier than this (delayed video polls). */
  scheduleTime?: Date;
}

export interface TaskQueue {
  /** Creates the task; `exists` when a task of that name was already created (dedup). */
  enqueue(queue: QueueName, task: TaskRequest): Promise<"created" | "exists">;
}

// ---- models -------------------------------------------------------------------------------

export interface GeneratedImage {
  data: Uint8Array;
  mimeType: string;
}

export interface ImageModel {
  /** Throws ModelError: retryable for 429/5xx/timeouts, permanent for safety blocks and bad requests. */
  generate(request: ImageRequest, options: { signal?: AbortSignal }): Promise<GeneratedImage>;
}

export type VideoOperationState =
  | { done: false }
  | { done: true; videos: Array<{ uri: string; mimeType: string }> }
  | { done: true; error: JobFailure }
  | { done: true; filtered: string };

export interface VideoModel {
  /** Starts a Veo long-running operation writing under `outputUri` (gs://bucket/prefix/). */
  start(
    request: VideoRequest,
    options: { outputUri: string; signal?: AbortSignal },
  ): Promise<{ operationName: string }>;
  poll(operationName: string, options: { signal?: AbortSignal }): Promise<VideoOperationState>;
}

// ---- media bucket -------------------------------------------------------------------------

export interface BlobStore {
  /** Writes an object; overwriting the same path with the same bytes is harmless (retries). */
  put(path: string, data: Uint8Array, contentType: string): Promise<void>;
  /** A V4 signed GET URL valid for `ttlSeconds`. */
  signedReadUrl(path: string, ttlSeconds: number): Promise<{ url: string; expiresAt: Date }>;
}

// ---- observability ------------------------------------------------------------------------

/** One generation event; field names and types come from the platform definition's log event. */
export interface GenerationEvent {
  event: "admitted" | "rejected" | "running" | "retrying" | "succeeded" | "failed" | "agent_turn";
  uid: string;
  kind: UsageKind;
  status: string;
  tier?: TierName;
  model?: string;
  /** Vertex AI location of a model call that failed for a reason the deployment must fix. */
  location?: string;
  jobId?: string;
  latencyMs?: number;
  attempt?: number;
  errorCode?: string;
  trace?: string;
  inputTokens?: number;
  outputTokens?: number;
  toolCalls?: number;
}

export interface EventLog {
  generation(event: GenerationEvent, severity?: "INFO" | "WARNING" | "ERROR"): void;
  /** An operational warning that is not a job transition (kept out of the generation analytics). */
  warning(message: string, fields?: Record<string, unknown>): void;
}

// ---- time and ids -------------------------------------------------------------------------

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** URL-safe, unguessable, 20+ characters (Firestore auto-id style). */
  newId(): string;
}
