// The image worker's use case: claim the job, call the image model, store the PNG under the
// user's path, finish the job. Retryable model failures go back to Cloud Tasks (non-2xx) until the
// queue's last attempt; permanent ones fail the job and refund the quota.

import type { ImageRequest } from "../api/schemas.ts";
import type { BlobStore, Clock, EventLog, ImageModel, JobStore } from "../ports/index.ts";
import { ModelError } from "./errors.ts";
import type { Job } from "./job.ts";
import {
  claimJob,
  type Delivery,
  fail,
  isFinalAttempt,
  jobEvent,
  requeue,
  sinceAdmission,
  succeed,
  type TaskOutcome,
  updateIfOwner,
} from "./job-lifecycle.ts";

export interface ImageJobDeps {
  jobs: JobStore;
  model: ImageModel;
  blobs: BlobStore;
  events: EventLog;
  clock: Clock;
  /** How long a claimed job stays reserved for this delivery: at least the function's timeout. */
  leaseMs: number;
}

/** Media bucket path of a job's image: per user, named after the job (a retry overwrites, never duplicates). */
export function imageObjectPath(job: Pick<Job, "uid" | "id">): string {
  return `users/${job.uid}/images/${job.id}.png`;
}

export async function runImageJob(deps: ImageJobDeps, jobId: string, delivery: Delivery): Promise<TaskOutcome> {
  const claim = await claimJob(deps.jobs, jobId, delivery, deps.leaseMs);
  if (claim.type === "missing") return { ack: true, reason: "job does not exist (expired or never created)" };
  if (claim.type === "terminal") return { ack: true, reason: `job already ${claim.job.status}` };
  if (claim.type === "leased") return { ack: false, status: 409, reason: "another delivery holds the job's lease" };
  const job = claim.job;
  if (job.kind !== "image") return finish(deps, job, delivery, { code: "WRONG_QUEUE", message: "not an image job" });
  deps.events.generation(jobEvent(job, "running", {}, delivery));

  try {
    const image = await deps.model.generate(job.request as ImageRequest, {});
    const objectPath = imageObjectPath(job);
    await deps.blobs.put(objectPath, image.data, image.mimeType);
    const done = await updateIfOwner(deps.jobs, job.id, delivery, () =>
      succeed({ objectPath, mimeType: image.mimeType }),
    );
    if (done?.changed) {
      deps.events.generation(
        jobEvent(done.job, "succeeded", { latencyMs: sinceAdmission(done.job, deps.clock.now()) }, delivery),
      );
    }
    return { ack: true, reason: done?.changed ? "succeeded" : "finished by another delivery" };
  } catch (error) {
    const failure = describe(error);
    if (failure.retryable && !isFinalAttempt(delivery)) {
      const back = await updateIfOwner(deps.jobs, job.id, delivery, () => requeue());
      deps.events.generation(jobEvent(back?.job ?? job, "retrying", { errorCode: failure.code }, delivery), "WARNING");
      return { ack: false, status: 503, reason: `retryable failure ${failure.code}` };
    }
    return finish(deps, job, delivery, { code: failure.code, message: failure.message });
  }
}

async function finish(
  deps: ImageJobDeps,
  job: Job,
  delivery: Delivery,
  error: { code: string; message: string },
): Promise<TaskOutcome> {
  const failed = await updateIfOwner(deps.jobs, job.id, delivery, () => fail(error));
  if (failed?.changed) {
    deps.events.generation(
      jobEvent(
        failed.job,
        "failed",
        { errorCode: error.code, latencyMs: sinceAdmission(failed.job, deps.clock.now()) },
        delivery,
      ),
      "ERROR",
    );
  }
  return { ack: true, reason: `failed ${error.code}` };
}

/** Model errors say whether they are retryable; anything else (storage, Firestore) is retried. */
function describe(error: unknown): { code: string; message: string; retryable: boolean } {
  if (error instanceof ModelError) return { code: error.code, message: error.message, retryable: error.retryable };
  return { code: "INTERNAL", message: "the job could not be completed", retryable: true };
}
