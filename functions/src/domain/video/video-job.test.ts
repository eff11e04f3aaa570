// The video worker's use case against the Firestore emulator, the real Veo adapter on the local
// Vertex AI server, and a queue that records tasks: start, delayed polls, every ending, duplicates.

import type { TaskPayload } from "@genai-platform/client/api";
import { getQueue, MODELS, type TierLimits } from "@genai-platform/definition";
import { startVertexServer, type VertexServer } from "@genai-platform/local/vertex/vertex-server.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { capturedEvents } from "../../../test/captured-events.ts";
import { testFirestore } from "../../../test/firestore.ts";
import { OutageJobStore } from "../../../test/outage-job-store.ts";
import { RecordingQueue } from "../../../test/recording-queue.ts";
import { FirestoreAccessControls } from "../../adapters/firestore/firestore-access-controls.ts";
import { FirestoreAdmissionStore } from "../../adapters/firestore/firestore-admission-store.ts";
import { FirestoreJobStore } from "../../adapters/firestore/firestore-job-store.ts";
import { randomIds } from "../../adapters/system/system.ts";
import { createGenAi } from "../../adapters/vertex/genai-client.ts";
import { VeoVideoModel } from "../../adapters/vertex/video-model.ts";
import type { TaskRequest } from "../../ports/index.ts";
import { admitJob } from "../admission.ts";
import type { Job } from "../job.ts";
import type { Delivery, TaskOutcome } from "../job-lifecycle.ts";
import { maxPolls, pollDelaySeconds } from "./poll-schedule.ts";
import { runVideoJob, type VideoJobDeps } from "./video-job.ts";

const LIMITS: TierLimits = { free: { image: 3, video: 5, agent: 2 }, pro: { image: 10, video: 5, agent: 20 } };
const NOW = new Date("2026-11-25T10:00:00Z");
const BUCKET = "media-test";
const POLLS_UNTIL_DONE = 3;
const MAX_ATTEMPTS = getQueue("video-jobs").retry.maxAttempts;

const fs = testFirestore("src/domain/video/video-job.test.ts");
let server: VertexServer;
let veo: VeoVideoModel;
let queue: RecordingQueue;
let events: ReturnType<typeof capturedEvents>;
let jobs: FirestoreJobStore;
let deps: VideoJobDeps;

beforeAll(async () => {
  server = await startVertexServer({ pollsUntilDone: POLLS_UNTIL_DONE });
  veo = new VeoVideoModel({
    genai: createGenAi({ project: "demo-project", location: "us-central1", baseUrl: server.url }),
    model: MODELS.video,
    timeoutMs: 2000,
  });
});
afterAll(async () => {
  await server.stop();
  await fs.close();
});
beforeEach(async () => {
  await fs.clear();
  server.faults.clear();
  queue = new RecordingQueue();
  events = capturedEvents();
  jobs = new FirestoreJobStore(fs.db, () => NOW);
  deps = {
    jobs,
    queue,
    model: veo,
    events: events.log,
    clock: { now: () => NOW },
    controls: new FirestoreAccessControls(() => fs.db),
    bucket: BUCKET,
    leaseMs: 120_000,
  };
});

/** Admits a video job exactly as generateVideo does; its start task is the queue's first. */
async function admitVideo(prompt: string, uid = "ada"): Promise<Job> {
  const admission = { admissions: new FirestoreAdmissionStore(fs.db), jobs, queue, events: events.log };
  const { job } = await admitJob(
    { ...admission, clock: { now: () => NOW }, ids: randomIds, limits: LIMITS },
    {
      uid,
      job: {
        kind: "video",
        request: { prompt, aspectRatio: "16:9", durationSeconds: 8, resolution: "720p", generateAudio: true },
      },
    },
  );
  return job;
}

function delivery(task: TaskRequest, retryCount = 0): Delivery {
  return {
    queueName: "video-jobs",
    taskName: task.taskId,
    retryCount,
    executionCount: retryCount,
    maxAttempts: MAX_ATTEMPTS,
  };
}

/** Delivers a recorded task as Cloud Tasks would (the payload through the task schema's defaults). */
function deliver(task: TaskRequest, retryCount = 0): Promise<TaskOutcome> {
  return runVideoJob(deps, task.payload as TaskPayload, delivery(task, retryCount));
}

const lastTask = (): TaskRequest => {
  const task = queue.tasks.at(-1)?.task;
  if (!task) throw new Error("nothing enqueued");
  return task;
};
const job = async (id: string) => (await jobs.get(id)) as Job;
const videoUsage = async (uid = "ada") => (await fs.db.doc(`usage/${uid}_2026-11-25`).get()).get("video");
const starts = (prompt: string) =>
  server
    .recent()
    .filter((r) => r.method === "predictLongRunning")
    .filter((r) => (r.body as { instances: Array<{ prompt: string }> }).instances[0]?.prompt === prompt).length;

/** Delivers the newest task until the job is terminal or `limit` deliveries happened. */
async function drain(jobId: string, limit = 30): Promise<TaskOutcome[]> {
  const outcomes: TaskOutcome[] = [];
  for (let i = 0; i < limit; i++) {
    outcomes.push(await deliver(lastTask()));
    const status = (await job(jobId)).status;
    if (status === "succeeded" || status === "failed") break;
  }
  return outcomes;
}

describe("a video job", () => {
  it("starts the operation under the job's prefix, polls it with growing delays and succeeds with the object path", async () => {
    const admitted = await admitVideo("waves on a black sand beach");
    expect(lastTask()).toMatchObject({ taskId: admitted.id, payload: { step: "start" } });

    expect(await deliver(lastTask())).toMatchObject({ ack: true });
    const started = await job(admitted.id);
    expect(started).toMatchObject({ status: "running", polls: 1, attempts: 1 });
    expect(started.operationName).toMatch(/\/operations\/\w+$/);
    expect(started.lease).toBeUndefined();
    expect(server.recent().at(-1)?.body).toMatchObject({
      parameters: { storageUri: `gs://${BUCKET}/users/ada/videos/${admitted.id}/` },
    });

    await drain(admitted.id);
    const done = await job(admitted.id);
    expect(done).toMatchObject({
      status: "succeeded",
      output: { objectPath: `users/ada/videos/${admitted.id}/sample_0.mp4`, mimeType: "video/mp4" },
      refunded: false,
    });
    expect(await videoUsage()).toBe(1);
    // Start, then polls 1..N+1 (N pending answers, then done), each delayed by the schedule.
    const polls = queue.tasks.slice(1).map(({ queue: name, task }) => ({
      name,
      taskId: task.taskId,
      poll: task.payload.poll,
      delaySeconds: ((task.scheduleTime?.getTime() ?? 0) - NOW.getTime()) / 1000,
    }));
    expect(polls).toEqual(
      [1, 2, 3, 4].map((n) => ({
        name: "video-polls",
        taskId: `${admitted.id}-poll-${n}`,
        poll: n,
        delaySeconds: pollDelaySeconds(n),
      })),
    );
    expect(polls.map((p) => p.delaySeconds)).toEqual([10, 15, 22, 33]);
    expect(events.lines.map((l) => l.event)).toEqual(["admitted", "running", "succeeded"]);
  });

  it.each([
    ["a failed operation", "[fail] a storm at sea", "VIDEO_OPERATION_FAILED"],
    ["filtered output", "[safety] something forbidden", "VIDEO_FILTERED"],
  ])("fails and refunds on %s", async (_name, prompt, code) => {
    const admitted = await admitVideo(prompt);
    await drain(admitted.id);
    expect(await job(admitted.id)).toMatchObject({ status: "failed", error: { code }, refunded: true });
    expect(await videoUsage()).toBe(0);
    expect(events.lines.at(-1)).toMatchObject({ event: "failed", errorCode: code, severity: "ERROR" });
  });

  it("fails with VIDEO_TIMEOUT and refunds when the operation is not done within the maximum wait", async () => {
    deps.maxWaitSeconds = 25;
    expect(maxPolls(25)).toBe(2);
    const admitted = await admitVideo("a glacier calving, slowly");
    const outcomes = await drain(admitted.id);
    expect(outcomes).toHaveLength(3); // start, poll 1 (pending), poll 2 (pending, out of time)
    expect(await job(admitted.id)).toMatchObject({
      status: "failed",
      error: { code: "VIDEO_TIMEOUT" },
      refunded: true,
    });
    expect(await videoUsage()).toBe(0);
    expect(queue.tasks.map((t) => t.task.payload.poll)).toEqual([undefined, 1, 2]);
  });

  it("does not start a second operation for a duplicated start task", async () => {
    const admitted = await admitVideo("a lighthouse in fog");
    const start = lastTask();
    await deliver(start);
    const first = (await job(admitted.id)).operationName;
    expect(await deliver(start, 1)).toMatchObject({ ack: true, reason: expect.stringMatching(/already started/) });
    expect(await deliver(start)).toMatchObject({ ack: true });
    expect(starts("a lighthouse in fog")).toBe(1);
    expect((await job(admitted.id)).operationName).toBe(first);
    expect(queue.tasks.filter((t) => t.task.payload.step === "poll")).toHaveLength(1);
  });

  it("enqueues the first poll on redelivery when the start's enqueue failed after recording the operation", async () => {
    const admitted = await admitVideo("a night market");
    const start = lastTask();
    queue.failWith = new Error("tasks unavailable");
    await expect(deliver(start)).rejects.toThrow("tasks unavailable");
    queue.failWith = undefined;
    expect(await deliver(start, 1)).toMatchObject({ ack: true });
    expect(starts("a night market")).toBe(1);
    expect(lastTask()).toMatchObject({ taskId: `${admitted.id}-poll-1`, payload: { step: "poll", poll: 1 } });
  });

  it("acknowledges a duplicated poll without polling or finishing twice", async () => {
    const admitted = await admitVideo("rain on a tin roof");
    await deliver(lastTask());
    const poll1 = lastTask();
    await deliver(poll1);
    const fetchesBefore = server.stats().byModel[MODELS.video]?.requests ?? 0;
    expect(await deliver(poll1, 1)).toMatchObject({ ack: true, reason: expect.stringMatching(/stale poll 1/) });
    expect(server.stats().byModel[MODELS.video]?.requests).toBe(fetchesBefore);
    expect((await job(admitted.id)).polls).toBe(2);

    // The final poll delivered twice at once: one delivery finishes the job, the other changes nothing.
    await deliver(lastTask());
    await deliver(lastTask());
    const final = lastTask();
    await Promise.all([deliver(final), deliver(final, 1)]);
    expect(await job(admitted.id)).toMatchObject({ status: "succeeded" });
    expect(events.lines.filter((l) => l.event === "succeeded")).toHaveLength(1);
    expect(await deliver(final, 2)).toMatchObject({ ack: true, reason: "job already succeeded" });
  });

  it("asks Cloud Tasks to retry a poll the model could not answer, and fails on the final attempt", async () => {
    const admitted = await admitVideo("a desert road at noon");
    await deliver(lastTask());
    const poll1 = lastTask();
    server.faults.push({ model: MODELS.video, status: 503 });
    expect(await deliver(poll1)).toMatchObject({ ack: false, status: 503 });
    expect(await job(admitted.id)).toMatchObject({ status: "running", polls: 1 });

    server.faults.push({ model: MODELS.video, status: 503 });
    expect(await deliver(poll1, MAX_ATTEMPTS - 1)).toMatchObject({ ack: true });
    expect(await job(admitted.id)).toMatchObject({
      status: "failed",
      error: { code: "MODEL_UNAVAILABLE" },
      refunded: true,
    });
  });

  it.each([
    ["a rate-limited start is handed back to the queue for a retry", 429, 0, "queued", false],
    ["a rate-limited start on the final attempt fails the job", 429, MAX_ATTEMPTS - 1, "failed", true],
    ["a rejected start fails the job at once", 400, 0, "failed", true],
  ])("%s", async (_name, status, retryCount, jobStatus, refunded) => {
    const admitted = await admitVideo(`a city street, case ${status}/${retryCount}`);
    server.faults.push({ model: MODELS.video, status });
    const outcome = await deliver(lastTask(), retryCount);
    expect(outcome.ack).toBe(jobStatus === "failed");
    expect(await job(admitted.id)).toMatchObject({ status: jobStatus, refunded });
    expect((await job(admitted.id)).operationName).toBeUndefined();
  });

  it("fails the start of a suspended owner's job with ACCOUNT_SUSPENDED and refunds it once, starting no operation", async () => {
    const admitted = await admitVideo("a suspended owner's film", "mallory");
    expect(await videoUsage("mallory")).toBe(1);
    await fs.db.doc("users/mallory").set({ suspended: { reason: "abuse", at: NOW.toISOString(), by: "ops" } });
    const start = lastTask();
    expect(await deliver(start)).toEqual({ ack: true, reason: "failed ACCOUNT_SUSPENDED" });
    expect(await deliver(start, 1)).toEqual({ ack: true, reason: "job already failed" });
    expect(starts("a suspended owner's film")).toBe(0);
    expect(await job(admitted.id)).toMatchObject({
      status: "failed",
      error: { code: "ACCOUNT_SUSPENDED" },
      refunded: true,
    });
    expect(await videoUsage("mallory")).toBe(0);
    expect(queue.tasks.filter((t) => t.queue === "video-polls")).toEqual([]);
  });

  it("carries a future scheduleTime on every poll task", async () => {
    await admitVideo("clouds over a ridge");
    await deliver(lastTask());
    const poll = lastTask();
    expect(poll.scheduleTime?.getTime()).toBeGreaterThan(NOW.getTime());
  });
});

describe("a video start's lease", () => {
  const HEARTBEAT = { leaseMs: 1_500, renewEveryMs: 200 };

  it("is renewed while Veo answers, a failed renewal is logged at WARNING, and the start still records its operation", async () => {
    const prompt = "a lighthouse at dusk, slow pan";
    const video = await admitVideo(prompt);
    const store = new OutageJobStore(jobs);
    // Veo takes a while to accept the request; the renewals run meanwhile.
    server.faults.push({ model: MODELS.video, promptIncludes: prompt, delayMs: 1_500 });
    const start = runVideoJob(
      { ...deps, jobs: store, heartbeat: HEARTBEAT },
      lastTask().payload as TaskPayload,
      delivery(lastTask()),
    );
    await server.calls.waitFor((call) => call.method === "predictLongRunning" && call.subject === prompt);
    const claimed = store.applied;
    while (store.applied === claimed) await new Promise((r) => setTimeout(r, 50));
    store.down = true;
    while (store.refused === 0) await new Promise((r) => setTimeout(r, 50));
    store.down = false;
    expect(await start).toEqual({ ack: true, reason: "operation started; poll 1 scheduled" });
    expect((await job(video.id)).operationName).toMatch(/operations\//);
    expect((await job(video.id)).lease).toBeUndefined();
    expect(events.lines.find((line) => line.severity === "WARNING")).toMatchObject({
      message: "lease renewal failed; retried at the next beat",
      jobId: video.id,
      kind: "video",
      error: "the job store is unavailable",
    });
  });
});

describe("a delivery naming a job of another kind", () => {
  async function imageJobOf(uid: string): Promise<Job> {
    const video = await admitVideo("a kite over the dunes", uid);
    // The same document, but an image job: what a made-up video delivery could point at.
    await fs.db.doc(`jobs/${video.id}`).update({ kind: "image" });
    return job(video.id);
  }

  it.each([
    ["a start", { step: "start" }, 0],
    ["a start on the final attempt", { step: "start" }, MAX_ATTEMPTS - 1],
    ["a poll", { step: "poll", poll: 1 }, 0],
  ] as const)("refuses %s without touching the job or calling Veo", async (_name, step, retryCount) => {
    const other = await imageJobOf("grace");
    const before = (await fs.db.doc(`jobs/${other.id}`).get()).data();
    const veoCalls = () => server.stats().byModel[MODELS.video]?.requests ?? 0;
    const callsBefore = veoCalls();
    const payload = { jobId: other.id, ...step } as TaskPayload;
    await expect(runVideoJob(deps, payload, delivery({ taskId: other.id, payload }, retryCount))).rejects.toMatchObject(
      { code: "FORBIDDEN", status: 403 },
    );
    expect((await fs.db.doc(`jobs/${other.id}`).get()).data()).toEqual(before);
    expect(veoCalls()).toBe(callsBefore);
    expect(events.lines.filter((l) => l.jobId === other.id && l.event !== "admitted")).toEqual([]);
  });
});
