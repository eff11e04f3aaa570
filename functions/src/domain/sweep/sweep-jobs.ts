// The sweeper's use case: the backstop for jobs no delivery will finish. A job still queued or
// running past its deadline (its queue spent every attempt; see job-deadline.ts) is re-enqueued
// under a new task name while it has requeues left, and failed with its unit refunded after that.
// Every change is a conditional transition through JobStore.update, so two overlapping sweeps, or
// a sweep racing a late delivery, act once: a live lease or a terminal job is left alone.

import type { JobKind } from "@genai-platform/client/api";
import type { SweeperDefinition } from "@genai-platform/definition";
import type { Clock, EventLog, JobStore, TaskQueue, UnfinishedJobs } from "../../ports/index.ts";
import { isTerminal, type Job } from "../job.ts";
import { fail, jobEvent, sinceAdmission } from "../job-lifecycle.ts";
import { firstStep, JOB_QUEUE } from "../job-routing.ts";

export interface SweepDeps {
  jobs: JobStore;
  unfinished: UnfinishedJobs;
  queue: TaskQueue;
  events: EventLog;
  clock: Clock;
  limits: Pick<SweeperDefinition, "pageSize" | "maxJobsPerRun" | "maxRequeues">;
  /** Seconds after admission (or the last requeue) past which a job of the kind is stranded. */
  deadlineSeconds: Record<JobKind, number>;
}

export interface SweepReport {
  examined: number;
  requeued: number;
  failed: number;
  /** Past the cutoff but not stranded: a live lease, a recent requeue, or finished meanwhile. */
  skipped: number;
}

export const STRANDED_FAILURE = {
  code: "JOB_DEADLINE_EXCEEDED",
  message: "the job could not be completed within its queue's retry window",
} as const;

/**
 * The task name of the sweeper's n-th requeue. Cloud Tasks refuses a name used within about an
 * hour of the original task's deletion or execution, so the job id itself cannot be reused.
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks/create
 */
export function sweepTaskId(jobId: string, sweep: number): string {
  return `${jobId}-sweep-${sweep}`;
}

export async function sweepJobs(deps: SweepDeps): Promise<SweepReport> {
  const report: SweepReport = { examined: 0, requeued: 0, failed: 0, skipped: 0 };
  const now = deps.clock.now();
  const shortest = Math.min(...Object.values(deps.deadlineSeconds));
  const before = new Date(now.getTime() - shortest * 1000);
  let after: Job | undefined;
  while (report.examined < deps.limits.maxJobsPerRun) {
    const limit = Math.min(deps.limits.pageSize, deps.limits.maxJobsPerRun - report.examined);
    const page = await deps.unfinished.page({ before, limit, ...(after ? { after } : {}) });
    for (const job of page) {
      report.examined++;
      report[await sweepOne(deps, job)]++;
    }
    if (page.length < limit) break;
    after = page[page.length - 1];
  }
  return report;
}

/** Is the job past its deadline, with no live lease, at `now`? */
function stranded(deps: SweepDeps, job: Job, now: Date): boolean {
  if (isTerminal(job.status)) return false;
  if (job.lease && job.lease.expiresAt.getTime() > now.getTime()) return false;
  const since = (job.sweptAt ?? job.createdAt).getTime();
  return now.getTime() - since > deps.deadlineSeconds[job.kind] * 1000;
}

async function sweepOne(deps: SweepDeps, job: Job): Promise<"requeued" | "failed" | "skipped"> {
  if (!stranded(deps, job, deps.clock.now())) return "skipped";
  const sweeps = job.sweeps ?? 0;
  if (sweeps < deps.limits.maxRequeues) return requeueStranded(deps, job, sweeps + 1);
  const done = await deps.jobs.update(job.id, (current, now) =>
    stranded(deps, current, now) && (current.sweeps ?? 0) === sweeps ? fail(STRANDED_FAILURE) : undefined,
  );
  if (!done?.changed) return "skipped";
  deps.events.generation(
    jobEvent(done.job, "failed", {
      errorCode: STRANDED_FAILURE.code,
      latencyMs: sinceAdmission(done.job, deps.clock.now()),
    }),
    "ERROR",
  );
  return "failed";
}

/**
 * Enqueue first, then record the requeue: the task name makes a repeated enqueue (an overlapping
 * sweep, or this one retried after the record failed) a no-op, and the record only moves the
 * job's deadline, never its status or lease, so a delivery that already claimed it is untouched.
 */
async function requeueStranded(deps: SweepDeps, job: Job, sweep: number): Promise<"requeued" | "skipped"> {
  const video = job.kind === "video" && job.operationName !== undefined;
  await deps.queue.enqueue(video ? "video-polls" : JOB_QUEUE[job.kind], {
    taskId: sweepTaskId(job.id, sweep),
    payload: video
      ? { jobId: job.id, step: "poll", poll: job.polls ?? 1 }
      : { jobId: job.id, step: firstStep(job.kind) },
  });
  const done = await deps.jobs.update(job.id, (current, now) =>
    stranded(deps, current, now) && (current.sweeps ?? 0) === sweep - 1 ? { sweeps: sweep, sweptAt: now } : undefined,
  );
  if (!done?.changed) return "skipped";
  deps.events.generation(jobEvent(done.job, "retrying", { errorCode: "SWEEP_REQUEUED" }), "WARNING");
  return "requeued";
}
