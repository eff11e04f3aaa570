// The video worker assembled from Services: the task function that drains `video-jobs` and runs
// the start/poll use case (it enqueues its own delayed polls onto the same queue).

import { getFunction, getQueue } from "@genai-platform/definition";
import type { HttpFunction } from "@google-cloud/functions-framework";
import { taskFunction } from "../adapters/http/task-function.ts";
import { JOB_QUEUE } from "../domain/job-routing.ts";
import { runVideoJob } from "../domain/video/video-job.ts";
import type { Services } from "./services.ts";

export function videoWorkerFunction(s: Services): HttpFunction {
  const fn = getFunction("videoWorker");
  if (fn.trigger !== "task") throw new Error("videoWorker must be a task function");
  const bucket = s.config.mediaBucket;
  if (!bucket) throw new Error("MEDIA_BUCKET is not configured for videoWorker");
  return taskFunction({
    queue: getQueue(JOB_QUEUE.video),
    run: (payload, delivery) =>
      runVideoJob(
        {
          jobs: s.jobs(),
          queue: s.queue(),
          model: s.videoModel(),
          events: s.events,
          clock: s.clock,
          bucket,
          leaseMs: fn.timeoutSeconds * 1000,
        },
        payload,
        delivery,
      ),
  });
}
