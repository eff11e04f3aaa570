// Heartbeat leases on the Firestore emulator: a working holder keeps its short lease alive, a
// holder that stops renewing (as a killed process does) loses it within one lease, and a finished
// job is never given a lease back.
import { randomUUID } from "node:crypto";
import { getQueue } from "@genai-platform/definition";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { admitImageJob } from "../../test/admitted-image-job.ts";
import { capturedEvents } from "../../test/captured-events.ts";
import { testFirestore } from "../../test/firestore.ts";
import { OutageJobStore } from "../../test/outage-job-store.ts";
import { FirestoreAccessControls } from "../adapters/firestore/firestore-access-controls.ts";
import { FirestoreJobStore } from "../adapters/firestore/firestore-job-store.ts";
import { systemClock } from "../adapters/system/system.ts";
import type { BlobStore, GeneratedImage, ImageModel } from "../ports/index.ts";
import { runImageJob } from "./image-job.ts";
import { claimJob, type Delivery } from "./job-lifecycle.ts";
import { startHeartbeat } from "./lease-heartbeat.ts";

const POLICY = { leaseMs: 1_500, renewEveryMs: 300 };
const PNG: GeneratedImage = { data: new Uint8Array([0x89, 0x50]), mimeType: "image/png" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

describe("heartbeat leases", () => {
  const fs = testFirestore("src/domain/lease-heartbeat.test.ts");
  const jobs = new FirestoreJobStore(fs.db);
  beforeEach(() => fs.clear());
  afterAll(() => fs.close());

  async function admitted() {
    return admitImageJob(fs.db, jobs);
  }
  const delivery = (jobId: string, retryCount: number): Delivery => ({
    queueName: "image-jobs",
    taskName: jobId,
    retryCount,
    executionCount: retryCount,
    maxAttempts: getQueue("image-jobs").retry.maxAttempts,
    deliveryId: randomUUID(),
  });
  const worker = (model: ImageModel) => ({
    jobs,
    model,
    blobs,
    events: capturedEvents().log,
    clock: systemClock,
    controls: new FirestoreAccessControls(() => fs.db),
    leaseMs: 300_000,
    heartbeat: POLICY,
  });

  it("keeps a working holder's lease alive past its length, then lets a later delivery take over once renewals stop", async () => {
    const job = await admitted();
    const holder = delivery(job.id, 0);
    const claim = await claimJob(jobs, job.id, "image", holder, POLICY.leaseMs);
    expect(claim.type).toBe("claimed");
    const errors: unknown[] = [];
    const stop = startHeartbeat(jobs, job.id, holder, POLICY, (e) => errors.push(e));
    await sleep(POLICY.leaseMs * 2);
    const model = new CountingModel();
    // Alive: the next delivery must wait.
    expect(await runImageJob(worker(model), job.id, delivery(job.id, 1))).toMatchObject({ ack: false, status: 409 });
    // The holder dies: nothing renews any more.
    await stop();
    await sleep(POLICY.leaseMs + 200);
    expect(await runImageJob(worker(model), job.id, delivery(job.id, 2))).toEqual({ ack: true, reason: "succeeded" });
    expect(model.calls).toBe(1);
    expect(errors).toEqual([]);
  });

  it("stops renewing when the job ends, so a finished job never gets a lease back", async () => {
    const job = await admitted();
    const model = new CountingModel();
    expect(await runImageJob(worker(model), job.id, delivery(job.id, 0))).toEqual({ ack: true, reason: "succeeded" });
    await sleep(POLICY.renewEveryMs * 3);
    const done = await jobs.get(job.id);
    expect(done).toMatchObject({ status: "succeeded" });
    expect(done?.lease).toBeUndefined();
  });

  it("logs each failed renewal at WARNING with the job and keeps beating, so the job still succeeds", async () => {
    const job = await admitted();
    const store = new OutageJobStore(jobs);
    const events = capturedEvents();
    let release: () => void = () => {};
    const model: ImageModel = {
      generate: () =>
        new Promise<GeneratedImage>((resolve) => {
          // The store goes down while the model works; the model answers once two renewals failed.
          store.down = true;
          release = () => resolve(PNG);
        }),
    };
    const run = runImageJob({ ...worker(model), jobs: store, events: events.log }, job.id, delivery(job.id, 0));
    while (store.refused < 2) await sleep(POLICY.renewEveryMs / 3);
    store.down = false;
    release();
    expect(await run).toEqual({ ack: true, reason: "succeeded" });
    const warnings = events.lines.filter((line) => line.severity === "WARNING");
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings[0]).toMatchObject({
      message: "lease renewal failed; retried at the next beat",
      jobId: job.id,
      kind: "image",
      attempt: 1,
      error: "the job store is unavailable",
    });
    expect(warnings[0]?.eventType).toBeUndefined();
  });
});
