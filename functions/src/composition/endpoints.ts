// The HTTPS and task functions of this codebase, assembled from Services: what each deployable's
// entry module registers. Tests build the same functions with Services pointed at local parts.

import { imageRequestSchema, videoRequestSchema } from "@genai-platform/client/api";
import { getFunction, getQueue } from "@genai-platform/definition";
import type { HttpFunction } from "@google-cloud/functions-framework";
import { generateJobHandler } from "../adapters/http/endpoints/generate-job.ts";
import { getJobHandler } from "../adapters/http/endpoints/get-job.ts";
import { getUsageHandler } from "../adapters/http/endpoints/get-usage.ts";
import { httpsFunction } from "../adapters/http/https-function.ts";
import { taskFunction } from "../adapters/http/task-function.ts";
import { runImageJob } from "../domain/image-job.ts";
import { DEFAULT_HEARTBEAT } from "../domain/lease-heartbeat.ts";
import type { Services } from "./services.ts";

export function generateImageFunction(s: Services): HttpFunction {
  return httpsFunction({
    methods: ["POST"],
    origins: () => s.config.webOrigins,
    handle: generateJobHandler("image", imageRequestSchema, {
      identity: s.identity,
      admission: s.admission,
      access: s.access,
    }),
  });
}

export function generateVideoFunction(s: Services): HttpFunction {
  return httpsFunction({
    methods: ["POST"],
    origins: () => s.config.webOrigins,
    handle: generateJobHandler("video", videoRequestSchema, {
      identity: s.identity,
      admission: s.admission,
      access: s.access,
    }),
  });
}

export function getJobFunction(s: Services): HttpFunction {
  return httpsFunction({
    methods: ["GET"],
    origins: () => s.config.webOrigins,
    handle: getJobHandler({
      identity: s.identity,
      jobs: s.jobs,
      blobs: s.blobs,
      signedUrlTtlSeconds: s.config.signedUrlTtlSeconds,
    }),
  });
}

export function getUsageFunction(s: Services): HttpFunction {
  return httpsFunction({
    methods: ["GET"],
    origins: () => s.config.webOrigins,
    handle: getUsageHandler({ identity: s.identity, usage: s.usage, clock: s.clock, limits: s.limits }),
  });
}

export function imageWorkerFunction(s: Services): HttpFunction {
  const fn = getFunction("imageWorker");
  if (fn.trigger !== "task") throw new Error("imageWorker must be a task function");
  return taskFunction({
    queues: [getQueue("image-jobs")],
    run: (payload, delivery) =>
      runImageJob(
        {
          jobs: s.jobs(),
          model: s.imageModel(),
          blobs: s.blobs(),
          events: s.events,
          clock: s.clock,
          controls: s.access.controls,
          leaseMs: fn.timeoutSeconds * 1000,
          heartbeat: DEFAULT_HEARTBEAT,
        },
        payload.jobId,
        delivery,
      ),
  });
}
