// Which queue carries each job kind and what its first task does; jobs live a while for history.
import type { JobKind } from "@genai-platform/client/api";
import type { QueueName } from "@genai-platform/definition";

export const JOB_QUEUE: Record<JobKind, QueueName> = { image: "image-jobs", video: "video-jobs" };

/** Image jobs run in one step; video jobs start an operation, then poll it. */
export function firstStep(kind: JobKind): "run" | "start" {
  return kind === "image" ? "run" : "start";
}

/** Firestore's TTL policy deletes job documents this long after creation. */
export const JOB_TTL_DAYS = 30;
