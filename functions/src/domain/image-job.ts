// The image worker's use case: claim the job, call the image model, store the PNG under the
// user's path, finish the job. Retryable model failures go back to Cloud Tasks (non-2xx) until the
// queue's last attempt; permanent ones fail the job and refund the quota.

import type { ImageRequest } from "@genai-platform/client/api";
import type { AccessControls, BlobStore, Clock, EventLog, ImageModel, JobStore } from "../ports/index.ts";
import { suspendedOwnerFailure } from "./access-policy.ts";
import type { Job } from "./job.ts";
import {
  claimJob,
  conclude,
  type Delivery,
  describeFailure,
  failOwned,
  isFinalAttempt,
  jobEvent,
  requeue,
  succeed,
  type TaskOutcome,
  unclaimed,
  updateIfOwner,
} from "./job-lifecycle.ts";
import { type HeartbeatPolicy, startHeartbeat, warnOnFailedRenewal } from "./lease-heartbeat.ts";

export interface ImageJobDeps {
  jobs: JobStore;
  model: ImageModel;
  blobs: BlobStore;
  events: EventLog;
  clock: Clock;
  /** Whose jobs must not run: a suspension set after admission fails the job before the model call. */
  controls: Pick<AccessControls, "suspension">;
  /**
   * How long a claimed job stays reserved for this delivery. With `heartbeat`, the claim takes the
   * heartbeat's short lease instead and renews it while the model works.
   */
  leaseMs: number;
  heartbeat?: HeartbeatPolicy;
}

/** Media bucket path of a job's image: per user, named after the job (a retry overwrites, never duplicates). */
export function imageObjectPath(job: Pick<Job, "uid" | "id">): string {
  return `users/${job.uid}/images/${job.id}.png`;
}

export async function runImageJob(deps: ImageJobDeps, jobId: string, delivery: Delivery): Promise<TaskOutcome> {
  const leaseMs = deps.heartbeat?.leaseMs ?? deps.leaseMs;
  const claim = await claimJob(deps.jobs, jobId, "image", delivery, leaseMs);
  if (claim.type !== "claimed") return unclaimed(claim);
  const job = claim.job;
  const stop = deps.heartbeat
    ? startHeartbeat(deps.jobs, job.id, delivery, deps.heartbeat, warnOnFailedRenewal(deps.events, job, delivery))
    : async () => {};
  try {
    return await work(deps, job, delivery, stop);
  } finally {
    // Every exit path (success, failure, a throw) stops renewing; the transition already released the lease.
    await stop();
  }
}

async function work(deps: ImageJobDeps, job: Job, delivery: Delivery, stop: () => Promise<void>): Promise<TaskOutcome> {
  try {
    // Inside the try: a suspension that cannot be read is retried like any store failure.
    const suspended = await suspendedOwnerFailure(deps.controls, job.uid);
    if (suspended) {
      await stop();
      return await failOwned(deps, job.id, delivery, suspended);
    }
    deps.events.generation(jobEvent(job, "running", {}, delivery));
    const image = await deps.model.generate(job.request as ImageRequest, {});
    const objectPath = imageObjectPath(job);
    await deps.blobs.put(objectPath, image.data, image.mimeType);
    // No renewal may race the terminal transition.
    await stop();
    return await conclude(
      deps,
      delivery,
      updateIfOwner(deps.jobs, job.id, delivery, () => succeed({ objectPath, mimeType: image.mimeType })),
    );
  } catch (error) {
    await stop();
    const failure = describeFailure(error);
    if (failure.retryable && !isFinalAttempt(delivery)) {
      const back = await updateIfOwner(deps.jobs, job.id, delivery, () => requeue());
      deps.events.generation(jobEvent(back?.job ?? job, "retrying", { errorCode: failure.code }, delivery), "WARNING");
      return { ack: false, status: 503, reason: `retryable failure ${failure.code}` };
    }
    const { retryable: _, ...stored } = failure;
    return failOwned(deps, job.id, delivery, stored);
  }
}
