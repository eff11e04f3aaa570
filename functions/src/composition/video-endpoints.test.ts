// videoWorker as deployed, end to end on local parts: Services from a RuntimeConfig, the Firestore
// emulator, the local Cloud Tasks server delivering to the worker over HTTP (delays honoured), and
// the local Vertex AI server behind the real Veo adapter. One video job from admission to done.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getQueue, MODELS, platform, queuePath } from "@genai-platform/definition";
import type { RuntimeConfig } from "@genai-platform/definition/runtime-config";
import type { DispatchOutcome } from "@genai-platform/local/dispatcher/queue-dispatcher.ts";
import { startTasksServer, type TasksServer } from "@genai-platform/local/tasks/tasks-server.ts";
import { startVertexServer, type VertexServer } from "@genai-platform/local/vertex/vertex-server.ts";
import { type HttpFunction, http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testFirestore } from "../../test/firestore.ts";
import { RecordingQueue } from "../../test/recording-queue.ts";
import { admitJob } from "../domain/admission.ts";
import { createServices, type Services } from "./services.ts";
import { videoWorkerFunction } from "./video-endpoints.ts";

const LOCATION = "europe-west1";
const fs = testFirestore("src/composition/video-endpoints.test.ts");
const outcomes: DispatchOutcome[] = [];
let tasks: TasksServer;
let vertex: VertexServer;
let worker: Server;
let services: Services;
let workerUrl: string;

beforeAll(async () => {
  await fs.clear();
  tasks = await startTasksServer({
    project: fs.projectId,
    location: LOCATION,
    queues: [getQueue("video-jobs"), getQueue("video-polls")],
    onOutcome: (o) => outcomes.push(o),
  });
  vertex = await startVertexServer({ pollsUntilDone: 0 });
  // The worker's URL is part of its own config: register a forwarder, listen, then build the function.
  let videoWorker: HttpFunction | undefined;
  http("videoWorkerE2e", (req, res) => videoWorker?.(req, res));
  worker = getTestServer("videoWorkerE2e").listen(0, "127.0.0.1");
  await new Promise((resolve) => worker.once("listening", resolve));
  workerUrl = `http://127.0.0.1:${(worker.address() as AddressInfo).port}/`;
  const config: RuntimeConfig = {
    functionName: "videoWorker",
    environment: "local",
    project: fs.projectId,
    region: LOCATION,
    models: platform.defaultModels,
    mediaBucket: "media-e2e",
    webOrigins: [],
    tasksInvokerEmail: "tasks-invoker@demo.iam.gserviceaccount.com",
    queues: {
      "video-jobs": { path: queuePath(fs.projectId, LOCATION, "video-jobs"), workerUrl },
      "video-polls": { path: queuePath(fs.projectId, LOCATION, "video-polls"), workerUrl },
    },
    signedUrlTtlSeconds: 900,
    local: { vertexBaseUrl: vertex.url, cloudTasksEndpoint: tasks.endpoint },
  };
  services = createServices(config);
  videoWorker = videoWorkerFunction(services);
});
afterAll(async () => {
  await tasks?.stop();
  await vertex?.stop();
  if (worker) await new Promise((resolve) => worker.close(resolve));
  await fs.close();
});

describe("the deployed videoWorker", () => {
  it("starts the operation, waits for the delayed poll, and finishes the job", async () => {
    const admitted = await admitJob(services.admission(), {
      uid: "ada",
      job: {
        kind: "video",
        request: {
          prompt: "a paper boat on a stream",
          aspectRatio: "16:9",
          durationSeconds: 4,
          resolution: "720p",
          generateAudio: false,
        },
      },
    });
    await tasks.idle();
    const job = await services.jobs().get(admitted.job.id);
    expect(job).toMatchObject({
      status: "succeeded",
      polls: 1,
      output: { objectPath: `users/ada/videos/${admitted.job.id}/sample_0.mp4`, mimeType: "video/mp4" },
    });
    const attempts = outcomes.flatMap((o) => (o.type === "attempt" ? [o] : []));
    expect(attempts.map((a) => [a.task.split("/tasks/")[1], a.status])).toEqual([
      [admitted.job.id, 200],
      [`${admitted.job.id}-poll-1`, 200],
    ]);
    // The poll task was created with a scheduleTime 10 s out, and the queue held it until then.
    const [start, poll] = attempts;
    expect((poll?.dispatchedAt ?? 0) - (start?.dispatchedAt ?? 0)).toBeGreaterThanOrEqual(9_900);
  }, 40_000);
});

describe("a made-up delivery reaching the videoWorker", () => {
  it.each([
    ["start", 0],
    ["start", 5],
    ["poll", 0],
  ] as const)(
    "refuses a %s naming another user's image job (retry count %i) with 403, leaving it as it was",
    async (step, retry) => {
      // Queued but never dispatched: the job sits as any admitted image job does before its worker runs.
      const admitted = await admitJob(
        { ...services.admission(), queue: new RecordingQueue() },
        {
          uid: "grace",
          job: { kind: "image", request: { prompt: "a lighthouse", aspectRatio: "1:1", imageSize: "1K" } },
        },
      );
      const before = (await fs.db.doc(`jobs/${admitted.job.id}`).get()).data();
      const veoCalls = () => vertex.stats().byModel[MODELS.video]?.requests ?? 0;
      const vertexCalls = veoCalls();
      const answer = await fetch(workerUrl, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-CloudTasks-QueueName": step === "poll" ? "video-polls" : "video-jobs",
          "X-CloudTasks-TaskName": admitted.job.id,
          "X-CloudTasks-TaskRetryCount": String(retry),
          "X-CloudTasks-TaskExecutionCount": String(retry),
        },
        body: JSON.stringify({ jobId: admitted.job.id, step, ...(step === "poll" ? { poll: 1 } : {}) }),
      });
      expect(answer.status).toBe(403);
      expect(await answer.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
      expect((await fs.db.doc(`jobs/${admitted.job.id}`).get()).data()).toEqual(before);
      expect(veoCalls()).toBe(vertexCalls);
    },
  );
});
