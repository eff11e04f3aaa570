// When a job that is still queued or running can no longer be in anyone's hands: its queue has
// used up every attempt, each attempt as long as Cloud Tasks waits for it, with the queue's
// backoff between them. Pure: derived from the platform definition only.

import type { JobKind } from "@genai-platform/client/api";
import {
  type FunctionDefinition,
  findModel,
  platform,
  type QueueDefinition,
  workerOf,
} from "@genai-platform/definition";
import { JOB_QUEUE } from "../job-routing.ts";
import { VIDEO_MAX_WAIT_SECONDS } from "../video/poll-schedule.ts";

/**
 * How long Cloud Tasks waits for one HTTP attempt: the default dispatch deadline, 10 minutes (the
 * task adapter sets none). Cloud Run ends the request at the function's timeout (300 s at most
 * here), but an attempt Cloud Run never answered only ends at the dispatch deadline, so the safe
 * reading is the longer of the two.
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks#Task (dispatchDeadline)
 */
export const DEFAULT_DISPATCH_DEADLINE_SECONDS = 600;

type Retry = QueueDefinition["retry"];

function seconds(duration: string): number {
  return Number(duration.slice(0, -1));
}

/**
 * Delay before retry `n` (1-based): minBackoff, doubled maxDoublings times, then growing linearly
 * by minBackoff x 2^maxDoublings, never above maxBackoff ("10s, 20s, 40s, 80s, 160s, 240s, 300s"
 * for 10 s / 300 s / 3 doublings).
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#RetryConfig (maxDoublings)
 */
export function retryDelaySeconds(retry: Retry, n: number): number {
  const min = seconds(retry.minBackoff);
  const step = min * 2 ** retry.maxDoublings;
  const delay = n - 1 <= retry.maxDoublings ? min * 2 ** (n - 1) : step + (n - 1 - retry.maxDoublings) * step;
  return Math.min(delay, seconds(retry.maxBackoff));
}

/** Longest time from a task's first dispatch to the end of its last attempt. */
export function retryWindowSeconds(queue: QueueDefinition, attemptSeconds: number): number {
  let total = queue.retry.maxAttempts * attemptSeconds;
  for (let n = 1; n < queue.retry.maxAttempts; n++) total += retryDelaySeconds(queue.retry, n);
  return total;
}

/** One attempt of the queue's worker: the dispatch deadline or the worker's timeout, whichever is longer. */
export function attemptSeconds(worker: FunctionDefinition): number {
  return Math.max(worker.timeoutSeconds, DEFAULT_DISPATCH_DEADLINE_SECONDS);
}

function windowOf(queueName: QueueDefinition["name"]): number {
  const queue = platform.queues.find((q) => q.name === queueName) as QueueDefinition;
  return retryWindowSeconds(queue, attemptSeconds(workerOf(queue.name)));
}

/** The parts of a kind's deadline, for the plan, the README and the tests. */
export interface JobDeadline {
  kind: JobKind;
  /** Retry window of the queue that runs the job's first step. */
  firstStepSeconds: number;
  /** Video only: the poll schedule's maximum wait plus one poll task's whole retry window. */
  pollingSeconds: number;
  /** The model's expected latency (definition's catalog): one late call still in flight. */
  modelSeconds: number;
  totalSeconds: number;
}

/**
 * Seconds after admission (or after the sweeper last re-enqueued it) past which an unfinished job
 * of `kind` can no longer be held by a delivery of its own task.
 */
export function jobDeadline(kind: JobKind, modelId: string = platform.defaultModels[kind].id): JobDeadline {
  const firstStepSeconds = windowOf(JOB_QUEUE[kind]);
  const pollingSeconds = kind === "video" ? VIDEO_MAX_WAIT_SECONDS + windowOf("video-polls") : 0;
  const modelSeconds = findModel(platform.models, modelId)?.latencySeconds ?? 0;
  return {
    kind,
    firstStepSeconds,
    pollingSeconds,
    modelSeconds,
    totalSeconds: firstStepSeconds + pollingSeconds + modelSeconds,
  };
}
