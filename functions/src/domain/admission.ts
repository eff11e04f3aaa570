// The admission use case shared by every generation entry point (image and video endpoints, the
// agent's tools): one transaction checks and charges the caller's daily quota and creates the job,
// then the job's task is enqueued. Nothing is charged for work that can never run.

import type { ImageRequest, JobKind, VideoRequest } from "@genai-platform/client/api";
import type { TierName, UsageKind } from "@genai-platform/definition";
import { MODELS, perMinuteLimit, type TierLimits } from "@genai-platform/definition";
import pRetry from "p-retry";
import type {
  AdmissionDecision,
  AdmissionStore,
  Clock,
  EventLog,
  IdGenerator,
  JobStore,
  TaskQueue,
} from "../ports/index.ts";
import type { DailyBudget } from "./budget.ts";
import { secondsUntilNextMinute, secondsUntilReset, utcDay, utcMinute } from "./calendar.ts";
import { AppError } from "./errors.ts";
import type { Job } from "./job.ts";
import { jobCostMicroUsd } from "./job-cost.ts";
import { firstStep, JOB_QUEUE, JOB_TTL_DAYS } from "./job-routing.ts";

export interface AdmissionDeps {
  admissions: AdmissionStore;
  jobs: JobStore;
  queue: TaskQueue;
  events: EventLog;
  clock: Clock;
  ids: IdGenerator;
  limits: TierLimits;
  /** The stack's global daily budget; absent: unlimited. */
  budget?: DailyBudget;
  /** Model id per job kind the stack runs, recorded on each job; default the definition's. */
  models?: Readonly<Record<JobKind, string>>;
  /** How long a committed job's enqueue is retried before it is failed and refunded; default ENQUEUE_RETRY_MS. */
  enqueueRetryMs?: number;
}

/**
 * Retry window of an enqueue after the admission committed: the job is charged and exists, so
 * giving up at the first timeout would fail (and refund) work that a second try would have queued.
 * Bounded so the request answers well within the function's 30 s timeout. The task is named after
 * the job, so a retry of an enqueue that did reach Cloud Tasks answers "already exists": success.
 */
export const ENQUEUE_RETRY_MS = 8_000;

export type JobRequest = { kind: "image"; request: ImageRequest } | { kind: "video"; request: VideoRequest };

export interface AdmitJobInput {
  uid: string;
  job: JobRequest;
  /** Same key from the same user → the same job, charged once. */
  idempotencyKey?: string;
  /** `X-Cloud-Trace-Context` trace id, carried into the job's log lines. */
  trace?: string;
}

export interface Admission {
  job: Job;
  /** True when an earlier request with the same idempotency key created the job. */
  replayed: boolean;
}

/**
 * Admits a generation job or throws AppError (QUOTA_EXCEEDED, RATE_LIMITED, BUDGET_EXHAUSTED,
 * CONFLICT, BUSY, UNAVAILABLE).
 */
export async function admitJob(deps: AdmissionDeps, input: AdmitJobInput): Promise<Admission> {
  const now = deps.clock.now();
  const day = utcDay(now);
  const { kind } = input.job;
  const model = (deps.models ?? MODELS)[kind];
  const fresh = newJob(deps.ids.newId(), input, now, day, model);

  const decision = await deps.admissions.admit(
    {
      uid: input.uid,
      kind,
      day,
      minute: utcMinute(now),
      costMicroUsd: jobCostMicroUsd(input.job, model),
      ...(deps.budget ? { budget: deps.budget } : {}),
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    },
    (state): AdmissionDecision => {
      if (state.existingJob) {
        return sameRequest(state.existingJob, input.job)
          ? { type: "existing", job: state.existingJob }
          : {
              type: "reject",
              error: new AppError("CONFLICT", "this Idempotency-Key was already used for a different request", {
                field: "Idempotency-Key",
              }),
            };
      }
      const refusal = quotaRefusal(deps.limits, state, kind, now);
      return refusal ? { type: "reject", error: refusal } : { type: "create", job: { ...fresh, tier: state.tier } };
    },
  );

  if (decision.type === "reject" || decision.type === "over-budget") {
    const error = decision.type === "reject" ? decision.error : budgetExhausted(now);
    deps.events.generation(
      {
        event: "rejected",
        uid: input.uid,
        kind,
        status: "rejected",
        errorCode: codeOf(error),
        ...traced(input),
      },
      "WARNING",
    );
    throw error;
  }
  if (decision.type === "charge") throw new Error("admitJob: a job admission never decides `charge`");

  const job = decision.job;
  const replayed = decision.type === "existing";
  if (!replayed) {
    deps.events.generation({
      event: "admitted",
      uid: job.uid,
      tier: job.tier,
      kind,
      model: job.model,
      jobId: job.id,
      status: job.status,
      ...traced(input),
    });
  }
  // A replayed job that is still queued is enqueued again: if the first request died between its
  // commit and its enqueue, the retry is what gets the job running. The task name dedups the rest.
  if (job.status === "queued") await enqueueOrRefund(deps, job);
  return { job, replayed };
}

/**
 * The user's own limits, checked in the admission's transaction: the day's quota of the kind first
 * (it says when to come back: tomorrow), then the tier's admissions per minute across kinds.
 */
export function quotaRefusal(
  limits: TierLimits,
  state: { tier: TierName; used: number; admittedThisMinute: number },
  kind: UsageKind,
  now: Date,
): AppError | undefined {
  const limit = limits[state.tier][kind];
  if (state.used >= limit) {
    return new AppError("QUOTA_EXCEEDED", `daily ${kind} limit of ${limit} reached for the ${state.tier} tier`, {
      retryAfterSeconds: secondsUntilReset(now),
    });
  }
  const perMinute = perMinuteLimit(limits, state.tier);
  if (state.admittedThisMinute >= perMinute) {
    return new AppError(
      "RATE_LIMITED",
      `at most ${perMinute} requests a minute for the ${state.tier} tier; retry when the next minute begins`,
      { retryAfterSeconds: secondsUntilNextMinute(now) },
    );
  }
  return undefined;
}

/**
 * The day's global budget cannot hold the estimate. Refunds may free some before midnight, but
 * nothing says when, so the client is told the one time the budget surely returns: the next UTC day.
 */
export function budgetExhausted(now: Date): AppError {
  return new AppError("BUDGET_EXHAUSTED", "today's generation budget is spent; nothing was charged", {
    retryAfterSeconds: secondsUntilReset(now),
  });
}

async function enqueueOrRefund(deps: AdmissionDeps, job: Job): Promise<void> {
  try {
    await pRetry(
      () =>
        deps.queue.enqueue(JOB_QUEUE[job.kind], {
          taskId: job.id,
          payload: { jobId: job.id, step: firstStep(job.kind) },
        }),
      {
        retries: 8,
        minTimeout: 100,
        maxTimeout: 2_000,
        randomize: true,
        maxRetryTime: deps.enqueueRetryMs ?? ENQUEUE_RETRY_MS,
      },
    );
  } catch (cause) {
    const failed = await deps.jobs.update(job.id, (current) =>
      current.status === "queued"
        ? {
            status: "failed",
            error: { code: "ENQUEUE_FAILED", message: "the job could not be queued" },
            refund: true,
            releaseIdempotencyKey: true,
          }
        : undefined,
    );
    if (failed?.changed) {
      deps.events.generation(
        {
          event: "failed",
          uid: job.uid,
          tier: job.tier,
          kind: job.kind,
          model: job.model,
          jobId: job.id,
          status: "failed",
          errorCode: "ENQUEUE_FAILED",
          ...(job.trace ? { trace: job.trace } : {}),
        },
        "ERROR",
      );
    }
    throw new AppError("UNAVAILABLE", "the job queue is unavailable; nothing was charged, try again", {
      retryAfterSeconds: 5,
      cause,
    });
  }
}

function newJob(id: string, input: AdmitJobInput, now: Date, day: string, model: string): Job {
  return {
    id,
    uid: input.uid,
    kind: input.job.kind,
    tier: "free",
    model,
    status: "queued",
    request: input.job.request,
    usageDay: day,
    createdAt: now,
    updatedAt: now,
    expireAt: new Date(now.getTime() + JOB_TTL_DAYS * 86_400_000),
    attempts: 0,
    refunded: false,
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    ...(input.trace ? { trace: input.trace } : {}),
  };
}

function sameRequest(job: Job, requested: JobRequest): boolean {
  return job.kind === requested.kind && canonical(job.request) === canonical(requested.request);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function codeOf(error: Error): string {
  return error instanceof AppError ? error.code : "INTERNAL";
}

function traced(input: { trace?: string }): { trace?: string } {
  return input.trace ? { trace: input.trace } : {};
}
