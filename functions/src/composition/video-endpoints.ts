// The video worker assembled from Services: the task function that drains `video-jobs` (starts) and
// `video-polls` (the delayed polls it enqueues itself) and runs the start/poll use case.

import { getFunction, getQueue } from "@genai-platform/definition";
import type { HttpFunction } from "@google-cloud/functions-framework";
import { taskFunction } from "../adapters/http/task-function.ts";
import { JOB_QUEUE } from "../domain/job-routing.ts";
import { DEFAULT_HEARTBEAT } from "../domain/lease-heartbeat.ts";
import { runVideoJob } from "../domain/video/video-job.ts";
import type { Services } from "./services.ts";

export function videoWorkerFunction(s: Services): HttpFunction {
  const fn = getFunction("videoWorker");
  if (fn.trigger !== "task") throw new Error("videoWorker must be a task function");
  const bucket = s.config.mediaBucket;
  if (!bucket) throw new Error("MEDIA_BUCKET is not configured for videoWorker");
  return taskFunction({
    queues: [getQueue(JOB_QUEUE.video), getQueue("video-polls")],
    // A poll that arrives on the start queue, or a start on the poll queue, is not a delivery.
    steps: { [JOB_QUEUE.video]: ["start"], "video-polls": ["poll"] },
    run: (payload, delivery) =>
      runVideoJob(
        {
          jobs: s.jobs(),
          queue: s.queue(),
          model: s.videoModel(),
          events: s.events,
          clock: s.clock,
          controls: s.access.controls,
          bucket,
          leaseMs: fn.timeoutSeconds * 1000,
          heartbeat: DEFAULT_HEARTBEAT,
        },
        payload,
        delivery,
      ),
  });
}
