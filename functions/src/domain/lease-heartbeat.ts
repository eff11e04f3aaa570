// A short lease kept alive while its holder works: a holder that dies (SIGKILL, instance gone)
// stops renewing, so a later delivery may take the job over within one lease, not the function's
// whole timeout. Renewal is conditional on still holding the lease, so it never revives a job
// another delivery took over or finished.

import type { EventLog, JobStore } from "../ports/index.ts";
import type { Job } from "./job.ts";
import { type Delivery, updateIfOwner } from "./job-lifecycle.ts";

export interface HeartbeatPolicy {
  /** Length of the lease each claim or renewal sets. */
  leaseMs: number;
  /** Time between renewals: well under leaseMs, so one slow renewal does not lose the lease. */
  renewEveryMs: number;
}

/** 30 s leases renewed every 10 s: two renewals may fail or be slow before the lease lapses. */
export const DEFAULT_HEARTBEAT: HeartbeatPolicy = { leaseMs: 30_000, renewEveryMs: 10_000 };

/**
 * Renews the delivery's lease every `renewEveryMs` until the returned stop is called. A renewal
 * that fails (store outage) is reported through `onError` and retried at the next beat, never
 * left as an unhandled rejection; stop waits for a renewal in flight so none lands after it.
 */
export function startHeartbeat(
  jobs: JobStore,
  jobId: string,
  delivery: Delivery,
  policy: HeartbeatPolicy,
  onError: (error: unknown) => void = () => {},
): () => Promise<void> {
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const beat = () => {
    inFlight = updateIfOwner(jobs, jobId, delivery, (job, now) => ({
      lease: { owner: job.lease?.owner ?? "", expiresAt: new Date(now.getTime() + policy.leaseMs) },
    }))
      .then(() => undefined)
      .catch(onError);
  };
  const timer = setInterval(() => {
    if (!stopped) beat();
  }, policy.renewEveryMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await inFlight;
  };
}

/**
 * The heartbeat's `onError` for a worker: each failed renewal is one WARNING line naming the job,
 * the delivery and the cause. Three failures in a row lose the lease, and operators should see the
 * first, not only the takeover that follows.
 */
export function warnOnFailedRenewal(events: EventLog, job: Pick<Job, "id" | "kind">, delivery: Delivery) {
  return (error: unknown): void =>
    events.warning("lease renewal failed; retried at the next beat", {
      jobId: job.id,
      kind: job.kind,
      taskName: delivery.taskName,
      attempt: delivery.retryCount + 1,
      error: error instanceof Error ? error.message : String(error),
    });
}
