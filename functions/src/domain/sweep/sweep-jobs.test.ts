// The sweeper on the Firestore emulator with the real job store: stranded jobs are re-enqueued
// under a fresh task name, then failed and refunded exactly once; live leases and young jobs are
// left alone; the final attempt's "retry later" gap ends with the sweeper, not with a lost job.
import { randomUUID } from "node:crypto";
import { getQueue, platform } from "@genai-platform/definition";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { admitImageJob } from "../../../test/admitted-image-job.ts";
import { capturedEvents } from "../../../test/captured-events.ts";
import { testFirestore } from "../../../test/firestore.ts";
import { RecordingQueue } from "../../../test/recording-queue.ts";
import { FirestoreAccessControls } from "../../adapters/firestore/firestore-access-controls.ts";
import { FirestoreJobStore } from "../../adapters/firestore/firestore-job-store.ts";
import { FirestoreUnfinishedJobs } from "../../adapters/firestore/firestore-unfinished-jobs.ts";
import type { BlobStore, Clock, GeneratedImage, ImageModel } from "../../ports/index.ts";
import { runImageJob } from "../image-job.ts";
import type { Delivery } from "../job-lifecycle.ts";
import { jobDeadline } from "./job-deadline.ts";
import { type SweepDeps, sweepJobs, sweepTaskId } from "./sweep-jobs.ts";

const MAX_ATTEMPTS = getQueue("image-jobs").retry.maxAttempts;
const IMAGE_DEADLINE_S = jobDeadline("image").totalSeconds;
const PNG: GeneratedImage = { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mimeType: "image/png" };

class CountingModel implements ImageModel {
  calls = 0;
  async generate(): Promise<GeneratedImage> {
    this.calls++;
    return PNG;
  }
}

const blobs: BlobStore = {
  async put() {},
  async signedReadUrl(path) {
    return { url: `memory://${path}`, expiresAt: new Date() };
  },
};

describe("sweeping stranded jobs", () => {
  const fs = testFirestore("src/domain/sweep/sweep-jobs.test.ts");
  let nowMs = Date.now();
  const clock: Clock = { now: () => new Date(nowMs) };
  const jobs = new FirestoreJobStore(fs.db, () => clock.now());
  const controls = new FirestoreAccessControls(() => fs.db);
  let queue: RecordingQueue;
  let events: ReturnType<typeof capturedEvents>;
  let deps: SweepDeps;

  beforeEach(async () => {
    await fs.clear();
    nowMs = Date.now();
    queue = new RecordingQueue();
    events = capturedEvents();
    deps = {
      jobs,
      unfinished: new FirestoreUnfinishedJobs(fs.db),
      queue,
      events: events.log,
      clock,
      limits: platform.sweeper,
      deadlineSeconds: { image: IMAGE_DEADLINE_S, video: jobDeadline("video").totalSeconds },
    };
  });
  afterAll(() => fs.close());

  async function admitted(uid = "ada") {
    return admitImageJob(fs.db, jobs, uid);
  }
  const used = async (uid = "ada") => {
    const snaps = await fs.db.collection("usage").where("uid", "==", uid).get();
    return snaps.docs.reduce((sum, d) => sum + ((d.get("image") as number | undefined) ?? 0), 0);
  };
  const stored = async (jobId: string) => (await jobs.get(jobId)) ?? expect.fail(`job ${jobId} is gone`);
  const passDeadline = () => {
    nowMs += (IMAGE_DEADLINE_S + 1) * 1000;
  };
  const delivery = (taskName: string, retryCount: number): Delivery => ({
    queueName: "image-jobs",
    taskName,
    retryCount,
    executionCount: retryCount,
    maxAttempts: MAX_ATTEMPTS,
    deliveryId: randomUUID(),
  });

  it("leaves a job alone until its deadline has passed", async () => {
    const job = await admitted();
    nowMs += (IMAGE_DEADLINE_S - 60) * 1000;
    expect(await sweepJobs(deps)).toEqual({ examined: 0, requeued: 0, failed: 0, skipped: 0 });
    expect(await stored(job.id)).toMatchObject({ status: "queued", refunded: false });
    expect(queue.tasks).toEqual([]);
  });

  it("re-enqueues a job whose worker was down for the whole retry window under a new task name", async () => {
    const job = await admitted();
    passDeadline();
    expect(await sweepJobs(deps)).toEqual({ examined: 1, requeued: 1, failed: 0, skipped: 0 });
    expect(queue.tasks).toEqual([
      { queue: "image-jobs", task: { taskId: sweepTaskId(job.id, 1), payload: { jobId: job.id, step: "run" } } },
    ]);
    expect(sweepTaskId(job.id, 1)).not.toBe(job.id);
    expect(await stored(job.id)).toMatchObject({ status: "queued", sweeps: 1, sweptAt: new Date(nowMs) });
    // A second sweep within the new window changes nothing.
    expect(await sweepJobs(deps)).toMatchObject({ requeued: 0, failed: 0, skipped: 1 });
    expect(events.lines.map((l) => [l.event, l.errorCode])).toEqual([["retrying", "SWEEP_REQUEUED"]]);

    // The requeued task runs the job once.
    const model = new CountingModel();
    const outcome = await runImageJob(
      { jobs, model, blobs, events: events.log, clock, controls, leaseMs: 60_000 },
      job.id,
      delivery(sweepTaskId(job.id, 1), 0),
    );
    expect(outcome).toEqual({ ack: true, reason: "succeeded" });
    expect(model.calls).toBe(1);
    expect(await used()).toBe(1);
  });

  it("fails and refunds a job still stranded after its requeues, once, however many sweeps overlap", async () => {
    const job = await admitted();
    passDeadline();
    await sweepJobs(deps);
    passDeadline();
    const reports = await Promise.all([sweepJobs(deps), sweepJobs(deps), sweepJobs(deps)]);
    expect(reports.reduce((n, r) => n + r.failed, 0)).toBe(1);
    expect(await stored(job.id)).toMatchObject({
      status: "failed",
      refunded: true,
      error: { code: "JOB_DEADLINE_EXCEEDED" },
    });
    expect(await used()).toBe(0);
    const failed = events.lines.filter((l) => l.event === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ severity: "ERROR", jobId: job.id, errorCode: "JOB_DEADLINE_EXCEEDED" });
    // Finished jobs are out of the sweeper's query.
    expect(await sweepJobs(deps)).toEqual({ examined: 0, requeued: 0, failed: 0, skipped: 0 });
  });

  it("never touches a job whose lease is live, however old the job", async () => {
    const job = await admitted();
    passDeadline();
    const expiresAt = new Date(nowMs + 60_000);
    await fs.db.doc(`jobs/${job.id}`).update({ status: "running", lease: { owner: "alive#7", expiresAt } });
    expect(await sweepJobs(deps)).toMatchObject({ examined: 1, skipped: 1 });
    expect(await stored(job.id)).toMatchObject({ status: "running", lease: { owner: "alive#7" }, refunded: false });
    expect(queue.tasks).toEqual([]);
  });

  it("is the backstop when the final attempt meets a live holder that then dies", async () => {
    const job = await admitted();
    const model = new CountingModel();
    const worker = { jobs, model, blobs, events: events.log, clock, controls, leaseMs: 60_000 };
    // A holder claimed the job and is (as far as the store knows) still working on it.
    await fs.db
      .doc(`jobs/${job.id}`)
      .update({ status: "running", attempts: 1, lease: { owner: "holder#6", expiresAt: new Date(nowMs + 60_000) } });
    // The queue's last attempt must not take the live lease: it answers 409 and the task is gone.
    const last = await runImageJob(worker, job.id, delivery(job.id, MAX_ATTEMPTS - 1));
    expect(last).toMatchObject({ ack: false, status: 409 });
    expect(model.calls).toBe(0);
    // The holder dies without a word: no task of the job is left, yet the job is still running.
    passDeadline();
    expect(await sweepJobs(deps)).toMatchObject({ requeued: 1 });
    const requeued = queue.tasks[0]?.task.taskId ?? expect.fail("nothing requeued");
    expect(await runImageJob(worker, job.id, delivery(requeued, 0))).toEqual({ ack: true, reason: "succeeded" });
    expect(model.calls).toBe(1);
    expect(await stored(job.id)).toMatchObject({ status: "succeeded", refunded: false });
  });

  it("re-enqueues the current poll of a video job whose operation was recorded", async () => {
    const job = await admitted();
    await fs.db.doc(`jobs/${job.id}`).update({ kind: "video", operationName: "operations/op-1", polls: 4 });
    nowMs += (jobDeadline("video").totalSeconds + 1) * 1000;
    expect(await sweepJobs(deps)).toMatchObject({ requeued: 1 });
    expect(queue.tasks).toEqual([
      {
        queue: "video-polls",
        task: { taskId: sweepTaskId(job.id, 1), payload: { jobId: job.id, step: "poll", poll: 4 } },
      },
    ]);
  });

  it("reads bounded pages and stops at the per-run limit", async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await admitted(`user-${i}`)).id);
    passDeadline();
    const bounded = { ...deps, limits: { pageSize: 2, maxJobsPerRun: 3, maxRequeues: 1 } };
    expect(await sweepJobs(bounded)).toEqual({ examined: 3, requeued: 3, failed: 0, skipped: 0 });
    // The next run starts over; the three requeued ones are skipped and the other two swept.
    expect(await sweepJobs({ ...bounded, limits: { ...bounded.limits, maxJobsPerRun: 10 } })).toEqual({
      examined: 5,
      requeued: 2,
      failed: 0,
      skipped: 3,
    });
    expect(new Set(queue.tasks.map((t) => t.task.payload.jobId))).toEqual(new Set(ids));
  });
});
