// The job state machine's transitions, each one Firestore transaction through the JobStore port:
// queued → running (with a lease) → succeeded | failed, and running → queued when a retryable
// failure hands the job back to the queue. Shared by the image and video workers.

import type { JobKind } from "@genai-platform/client/api";
import type { Clock, EventLog, GenerationEvent, JobStore, JobUpdate } from "../ports/index.ts";
import { AppError, ModelError } from "./errors.ts";
import { isTerminal, type Job, type JobFailure, type JobOutput } from "./job.ts";

/** One delivery of a task, as Cloud Tasks describes it in its request headers. */
export interface Delivery {
  queueName: string;
  taskName: string;
  /** `X-CloudTasks-TaskRetryCount`: earlier attempts of this task (0 on the first). */
  retryCount: number;
  /** `X-CloudTasks-TaskExecutionCount`: earlier deliveries that got a response. */
  executionCount: number;
  /** The queue's maxAttempts, from the platform definition. */
  maxAttempts: number;
  /**
   * Unique per received request. Cloud Tasks may deliver the same attempt twice (same headers);
   * this keeps the duplicate from passing as the lease holder and calling the model again.
   */
  deliveryId?: string;
  trace?: string;
}

/** What the worker answers Cloud Tasks: 2xx acknowledges; anything else asks for a retry. */
export type TaskOutcome = { ack: true; reason: string } | { ack: false; reason: string; status: 409 | 503 };

export function isFinalAttempt(delivery: Delivery): boolean {
  return delivery.retryCount + 1 >= delivery.maxAttempts;
}

/** Identifies this delivery as a lease holder; a redelivery of the same task is a different owner. */
export function leaseOwner(delivery: Delivery): string {
  return `${delivery.taskName}#${delivery.retryCount}${delivery.deliveryId ? `#${delivery.deliveryId}` : ""}`;
}

export type Claim =
  | { type: "claimed"; job: Job }
  | { type: "terminal"; job: Job }
  | { type: "leased"; job: Job }
  | { type: "missing" };

/**
 * Moves a job to `running` under this delivery's lease. A terminal job is reported as such (the
 * delivery is a duplicate). A live lease held by another delivery means someone is working on it:
 * "retry later", even on the final attempt — taking it over would call the model twice for one
 * job; a holder that died leaves a lease that expires, and any later delivery may take that over.
 * A job of another kind than the worker's is refused before anything is written: a delivery (or a
 * forged request) on this worker's queue must not change a job it does not own.
 */
export async function claimJob(
  jobs: JobStore,
  jobId: string,
  kind: JobKind,
  delivery: Delivery,
  leaseMs: number,
  extra: (job: Job) => Omit<JobUpdate, "status" | "lease"> = () => ({}),
): Promise<Claim> {
  const owner = leaseOwner(delivery);
  let outcome = "claimed" as Claim["type"] | "foreign";
  const result = await jobs.update(jobId, (job, now) => {
    if (job.kind !== kind) {
      outcome = "foreign";
      return undefined;
    }
    if (isTerminal(job.status)) {
      outcome = "terminal";
      return undefined;
    }
    if (job.lease && job.lease.owner !== owner && job.lease.expiresAt.getTime() > now.getTime()) {
      outcome = "leased";
      return undefined;
    }
    outcome = "claimed";
    return {
      ...extra(job),
      status: "running",
      lease: { owner, expiresAt: new Date(now.getTime() + leaseMs) },
      attempts: job.attempts + 1,
    };
  });
  if (!result) return { type: "missing" };
  if (outcome === "foreign") throw notThisWorkersJob(kind, delivery);
  return { type: outcome, job: result.job } as Claim;
}

/** The refusal of a delivery whose job belongs to another kind's queue; nothing was written. */
export function notThisWorkersJob(kind: JobKind, delivery: Delivery): AppError {
  return new AppError("FORBIDDEN", `queue ${delivery.queueName} carries ${kind} jobs only; the job was not touched`);
}

/** Applies `update` only while this delivery still holds the job's lease and the job is running. */
export async function updateIfOwner(
  jobs: JobStore,
  jobId: string,
  delivery: Delivery,
  update: (job: Job, now: Date) => JobUpdate | undefined,
): Promise<{ job: Job; changed: boolean } | undefined> {
  const owner = leaseOwner(delivery);
  return jobs.update(jobId, (job, now) =>
    job.status === "running" && job.lease?.owner === owner ? update(job, now) : undefined,
  );
}

export function succeed(output: JobOutput): JobUpdate {
  return { status: "succeeded", output, lease: null };
}

/** Failure always returns the quota unit (the store refunds at most once). */
export function fail(error: JobFailure): JobUpdate {
  return { status: "failed", error, lease: null, refund: true };
}

/** Hands the job back to the queue: the task's retry will claim it again. */
export function requeue(): JobUpdate {
  return { status: "queued", lease: null };
}

/** A generation event describing `job`, with the delivery's attempt and trace. */
export function jobEvent(
  job: Job,
  event: GenerationEvent["event"],
  extra: Partial<GenerationEvent> = {},
  delivery?: Delivery,
): GenerationEvent {
  const trace = delivery?.trace ?? job.trace;
  return {
    event,
    uid: job.uid,
    tier: job.tier,
    kind: job.kind,
    model: job.model,
    jobId: job.id,
    status: job.status,
    ...(delivery ? { attempt: delivery.retryCount + 1 } : {}),
    ...(trace ? { trace } : {}),
    ...extra,
  };
}

/** Milliseconds since the job was admitted: the end-to-end latency a user saw. */
export function sinceAdmission(job: Job, now: Date): number {
  return Math.max(0, now.getTime() - job.createdAt.getTime());
}

/** The answer to Cloud Tasks when the claim did not hand this delivery the job. */
export function unclaimed(claim: Exclude<Claim, { type: "claimed" }>): TaskOutcome {
  if (claim.type === "missing") return { ack: true, reason: "job does not exist (expired or never created)" };
  if (claim.type === "terminal") return { ack: true, reason: `job already ${claim.job.status}` };
  return { ack: false, status: 409, reason: "another delivery holds the job's lease" };
}

/** Model errors say whether they are retryable; anything else (Firestore, Storage, Tasks) is retried. */
export function describeFailure(error: unknown): JobFailure & { retryable: boolean } {
  if (error instanceof ModelError) {
    return {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      ...(error.location ? { location: error.location } : {}),
    };
  }
  // A store that did not answer in time is named as such (the next delivery will likely succeed),
  // not hidden behind INTERNAL, so an operator reading the retries sees which dependency was slow.
  if (error instanceof AppError && error.code === "UNAVAILABLE") {
    return { code: "UNAVAILABLE", message: error.message, retryable: true };
  }
  return { code: "INTERNAL", message: "the job could not be completed", retryable: true };
}

/**
 * Awaits a terminal transition (conditional, so it applies at most once), logs the event it made
 * and acknowledges the task: `failure` set means the job failed, otherwise it succeeded.
 */
export async function conclude(
  deps: { events: EventLog; clock: Clock },
  delivery: Delivery,
  transition: Promise<{ job: Job; changed: boolean } | undefined>,
  failure?: JobFailure,
): Promise<TaskOutcome> {
  const done = await transition;
  if (!done?.changed) return { ack: true, reason: "finished by another delivery" };
  const latencyMs = sinceAdmission(done.job, deps.clock.now());
  if (failure) {
    const location = failure.location ? { location: failure.location } : {};
    deps.events.generation(
      jobEvent(done.job, "failed", { errorCode: failure.code, latencyMs, ...location }, delivery),
      "ERROR",
    );
    return { ack: true, reason: `failed ${failure.code}` };
  }
  deps.events.generation(jobEvent(done.job, "succeeded", { latencyMs }, delivery));
  return { ack: true, reason: "succeeded" };
}

/** Fails a job this delivery holds the lease of (refunding its unit), logs it and acknowledges. */
export function failOwned(
  deps: { jobs: JobStore; events: EventLog; clock: Clock },
  jobId: string,
  delivery: Delivery,
  failure: JobFailure,
): Promise<TaskOutcome> {
  return conclude(
    deps,
    delivery,
    updateIfOwner(deps.jobs, jobId, delivery, () => fail(failure)),
    failure,
  );
}
