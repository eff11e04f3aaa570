// The image job state machine on the Firestore emulator with the real FirestoreJobStore: leases,
// retries handed back to the queue, the final attempt, refunds exactly once, duplicate deliveries.
import { randomUUID } from "node:crypto";
import { getQueue } from "@genai-platform/definition";
import { FieldValue } from "firebase-admin/firestore";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { admitImageJob } from "../../test/admitted-image-job.ts";
import { capturedEvents } from "../../test/captured-events.ts";
import { testFirestore } from "../../test/firestore.ts";
import { FirestoreAccessControls } from "../adapters/firestore/firestore-access-controls.ts";
import { FirestoreJobStore } from "../adapters/firestore/firestore-job-store.ts";
import { systemClock } from "../adapters/system/system.ts";
import type { BlobStore, GeneratedImage, ImageModel } from "../ports/index.ts";
import { ModelError } from "./errors.ts";
import { type ImageJobDeps, imageObjectPath, runImageJob } from "./image-job.ts";
import type { Delivery } from "./job-lifecycle.ts";

const MAX_ATTEMPTS = getQueue("image-jobs").retry.maxAttempts;
const PNG: GeneratedImage = { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), mimeType: "image/png" };
const LEASE_MS = 300_000;

/** An image model whose answers the test scripts; it counts calls and can be held open. */
class ScriptedModel implements ImageModel {
  calls = 0;
  readonly script: Array<ModelError | Error | "ok"> = [];
  gate: Promise<void> | undefined;
  async generate(): Promise<GeneratedImage> {
    this.calls++;
    await this.gate;
    const next = this.script.shift() ?? "ok";
    if (next !== "ok") throw next;
    return PNG;
  }
}

/** Create-only object writes, like the production store (ifGenerationMatch: 0). */
class MemoryBlobs implements BlobStore {
  readonly objects = new Map<string, Uint8Array>();
  writes = 0;
  failNext: Error | undefined;
  async put(path: string, data: Uint8Array, _contentType: string): Promise<void> {
    this.writes++;
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    if (!this.objects.has(path)) this.objects.set(path, data);
  }
  async signedReadUrl(path: string, ttlSeconds: number) {
    return { url: `memory://${path}`, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
  }
}

describe("running an image job", () => {
  const fs = testFirestore("src/domain/image-job.test.ts");
  const jobs = new FirestoreJobStore(fs.db);
  const controls = new FirestoreAccessControls(() => fs.db);
  let model: ScriptedModel;
  let blobs: MemoryBlobs;
  let events: ReturnType<typeof capturedEvents>;
  let deps: ImageJobDeps;

  beforeEach(async () => {
    await fs.clear();
    model = new ScriptedModel();
    blobs = new MemoryBlobs();
    events = capturedEvents();
    deps = { jobs, model, blobs, events: events.log, clock: systemClock, controls, leaseMs: LEASE_MS };
  });
  afterAll(() => fs.close());

  async function admitted(uid = "ada") {
    return admitImageJob(fs.db, jobs, uid);
  }
  const delivery = (jobId: string, retryCount = 0, taskName = jobId): Delivery => ({
    queueName: "image-jobs",
    taskName,
    retryCount,
    executionCount: retryCount,
    maxAttempts: MAX_ATTEMPTS,
    // As the task adapter does: every received request is a distinct delivery.
    deliveryId: randomUUID(),
  });
  const used = async (uid = "ada") => {
    const snaps = await fs.db.collection("usage").where("uid", "==", uid).get();
    return snaps.docs.reduce((sum, d) => sum + ((d.get("image") as number | undefined) ?? 0), 0);
  };
  const stored = async (jobId: string) => (await jobs.get(jobId)) ?? expect.fail(`job ${jobId} is gone`);
  const holdLease = (jobId: string, owner: string, expiresAt: Date) =>
    fs.db.doc(`jobs/${jobId}`).update({ status: "running", lease: { owner, expiresAt }, attempts: 1 });

  it("claims the job, stores the PNG under the user's path and marks it succeeded", async () => {
    const job = await admitted();
    const outcome = await runImageJob(deps, job.id, delivery(job.id));
    expect(outcome).toEqual({ ack: true, reason: "succeeded" });
    const done = await stored(job.id);
    expect(done).toMatchObject({ status: "succeeded", attempts: 1, refunded: false });
    expect(done.lease).toBeUndefined();
    expect(done.output).toEqual({ objectPath: `users/ada/images/${job.id}.png`, mimeType: "image/png" });
    expect(blobs.objects.get(imageObjectPath(job))).toEqual(PNG.data);
    expect(events.lines.map((l) => [l.event, l.status, l.attempt])).toEqual([
      ["running", "running", 1],
      ["succeeded", "succeeded", 1],
    ]);
    expect(await used()).toBe(1);
  });

  it("answers 409 so the queue retries later when another delivery holds a live lease", async () => {
    const job = await admitted();
    await holdLease(job.id, "other-task#0", new Date(Date.now() + 60_000));
    const outcome = await runImageJob(deps, job.id, delivery(job.id, 1));
    expect(outcome).toMatchObject({ ack: false, status: 409 });
    expect(model.calls).toBe(0);
    expect(await stored(job.id)).toMatchObject({ status: "running", lease: { owner: "other-task#0" }, attempts: 1 });
  });

  it("lets any attempt take over a lease that has expired (the holder crashed)", async () => {
    const job = await admitted();
    await holdLease(job.id, "crashed#0", new Date(Date.now() - 1_000));
    const outcome = await runImageJob(deps, job.id, delivery(job.id, 1));
    expect(outcome).toEqual({ ack: true, reason: "succeeded" });
    expect(await stored(job.id)).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("answers 409 even on the final attempt while another delivery's lease is live, calling no model", async () => {
    const job = await admitted();
    const expiresAt = new Date(Date.now() + LEASE_MS);
    await holdLease(job.id, "alive#3", expiresAt);
    const outcome = await runImageJob(deps, job.id, delivery(job.id, MAX_ATTEMPTS - 1));
    expect(outcome).toMatchObject({ ack: false, status: 409 });
    expect(model.calls).toBe(0);
    expect(await stored(job.id)).toMatchObject({
      status: "running",
      lease: { owner: "alive#3", expiresAt },
      attempts: 1,
      refunded: false,
    });
    expect(await used()).toBe(1);
  });

  it("fails a job whose owner was suspended after admission with ACCOUNT_SUSPENDED, refunding its unit once and calling no model", async () => {
    const job = await admitted("mallory");
    expect(await used("mallory")).toBe(1);
    await fs.db
      .doc("users/mallory")
      .set({ suspended: { reason: "abuse", at: new Date().toISOString(), by: "ops@example.com" } }, { merge: true });
    expect(await runImageJob(deps, job.id, delivery(job.id))).toEqual({
      ack: true,
      reason: "failed ACCOUNT_SUSPENDED",
    });
    // A duplicate and a retried delivery find the job terminal: no second refund, still no model call.
    expect(await runImageJob(deps, job.id, delivery(job.id))).toEqual({ ack: true, reason: "job already failed" });
    expect(await runImageJob(deps, job.id, delivery(job.id, 1))).toEqual({ ack: true, reason: "job already failed" });
    expect(model.calls).toBe(0);
    expect(blobs.writes).toBe(0);
    expect(await stored(job.id)).toMatchObject({
      status: "failed",
      error: { code: "ACCOUNT_SUSPENDED" },
      refunded: true,
    });
    expect(await used("mallory")).toBe(0);
    expect(events.lines.map((l) => [l.event, l.errorCode])).toEqual([["failed", "ACCOUNT_SUSPENDED"]]);
  });

  it("runs the job of an account whose suspension was lifted before the delivery", async () => {
    const job = await admitted("lifted");
    await fs.db.doc("users/lifted").set({ suspended: { at: new Date().toISOString(), by: "ops" } }, { merge: true });
    await fs.db.doc("users/lifted").update({ suspended: FieldValue.delete() });
    expect(await runImageJob(deps, job.id, delivery(job.id))).toEqual({ ack: true, reason: "succeeded" });
    expect(model.calls).toBe(1);
  });

  it("refuses a job of another kind without touching it, whatever the attempt", async () => {
    const job = await admitted("grace");
    await fs.db.doc(`jobs/${job.id}`).update({ kind: "video" });
    const before = (await fs.db.doc(`jobs/${job.id}`).get()).data();
    for (const retry of [0, MAX_ATTEMPTS - 1]) {
      await expect(runImageJob(deps, job.id, delivery(job.id, retry))).rejects.toMatchObject({
        code: "FORBIDDEN",
        status: 403,
      });
    }
    expect((await fs.db.doc(`jobs/${job.id}`).get()).data()).toEqual(before);
    expect(model.calls).toBe(0);
    expect(events.lines).toEqual([]);
  });

  it.each([
    ["a model 429", new ModelError("MODEL_RATE_LIMITED", "rate limited", true)],
    ["a model 5xx", new ModelError("MODEL_UNAVAILABLE", "failed (500)", true)],
    ["a model timeout", new ModelError("MODEL_TIMEOUT", "too slow", true)],
  ])("hands the job back to the queue with a 503 after %s, keeping the charge", async (_name, failure) => {
    const job = await admitted();
    model.script.push(failure);
    const outcome = await runImageJob(deps, job.id, delivery(job.id));
    expect(outcome).toMatchObject({ ack: false, status: 503 });
    const back = await stored(job.id);
    expect(back).toMatchObject({ status: "queued", refunded: false, attempts: 1 });
    expect(back.lease).toBeUndefined();
    expect(await used()).toBe(1);
    expect(events.lines.at(-1)).toMatchObject({ event: "retrying", errorCode: failure.code, severity: "WARNING" });
    // The queue's retry then finishes it.
    expect(await runImageJob(deps, job.id, delivery(job.id, 1))).toEqual({ ack: true, reason: "succeeded" });
    expect(await stored(job.id)).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("retries when the bucket write fails, then stores the image on the next delivery", async () => {
    const job = await admitted();
    blobs.failNext = Object.assign(new Error("503 backendError"), { code: 503 });
    expect(await runImageJob(deps, job.id, delivery(job.id))).toMatchObject({ ack: false, status: 503 });
    expect(await stored(job.id)).toMatchObject({ status: "queued" });
    expect(await runImageJob(deps, job.id, delivery(job.id, 1))).toEqual({ ack: true, reason: "succeeded" });
    expect(blobs.objects.size).toBe(1);
  });

  it("fails the job and refunds on the final attempt's retryable failure, exactly once", async () => {
    const job = await admitted();
    model.script.push(new ModelError("MODEL_UNAVAILABLE", "the image model failed (500)", true));
    const outcome = await runImageJob(deps, job.id, delivery(job.id, MAX_ATTEMPTS - 1));
    expect(outcome).toEqual({ ack: true, reason: "failed MODEL_UNAVAILABLE" });
    expect(await stored(job.id)).toMatchObject({
      status: "failed",
      refunded: true,
      error: { code: "MODEL_UNAVAILABLE" },
    });
    expect(await used()).toBe(0);
    expect(events.lines.at(-1)).toMatchObject({ event: "failed", severity: "ERROR", attempt: MAX_ATTEMPTS });
    // A redelivery of the final attempt, and a stray refund request, change nothing.
    expect(await runImageJob(deps, job.id, delivery(job.id, MAX_ATTEMPTS - 1))).toEqual({
      ack: true,
      reason: "job already failed",
    });
    await jobs.update(job.id, () => ({ refund: true }));
    expect(await used()).toBe(0);
    expect(model.calls).toBe(1);
  });

  it("fails and refunds at once on a permanent model error, whatever the attempt", async () => {
    const job = await admitted();
    model.script.push(new ModelError("MODEL_SAFETY_BLOCKED", "blocked by safety filters", false));
    expect(await runImageJob(deps, job.id, delivery(job.id))).toEqual({
      ack: true,
      reason: "failed MODEL_SAFETY_BLOCKED",
    });
    expect(await stored(job.id)).toMatchObject({ status: "failed", refunded: true, attempts: 1 });
    expect(await used()).toBe(0);
  });

  it.each(["succeeded", "failed"] as const)("acknowledges a delivery for a %s job without work", async (status) => {
    const job = await admitted();
    await fs.db.doc(`jobs/${job.id}`).update({ status });
    expect(await runImageJob(deps, job.id, delivery(job.id, 2))).toEqual({
      ack: true,
      reason: `job already ${status}`,
    });
    expect(model.calls).toBe(0);
    expect(events.lines).toEqual([]);
  });

  it("acknowledges a task whose job no longer exists", async () => {
    expect(await runImageJob(deps, "no-such-job-1234", delivery("no-such-job-1234"))).toMatchObject({ ack: true });
    expect(model.calls).toBe(0);
  });

  it("finishes the job on redelivery after a crash between the model call and completion, charging once", async () => {
    const job = await admitted();
    // The first delivery got as far as the bucket, then its instance died: the lease is left behind.
    await holdLease(job.id, `${job.id}#0`, new Date(Date.now() - 1));
    await blobs.put(imageObjectPath(job), PNG.data, PNG.mimeType);
    expect(await runImageJob(deps, job.id, delivery(job.id, 1))).toEqual({ ack: true, reason: "succeeded" });
    expect(await stored(job.id)).toMatchObject({ status: "succeeded", refunded: false });
    expect(blobs.objects.size).toBe(1);
    expect(await used()).toBe(1);
  });

  it("answers 409 to a duplicate of the attempt under way instead of calling the model again", async () => {
    const job = await admitted();
    let open: () => void = () => {};
    model.gate = new Promise((resolve) => {
      open = resolve;
    });
    // Cloud Tasks may deliver a task twice with identical headers (at-least-once delivery).
    const first = runImageJob(deps, job.id, delivery(job.id));
    await until(() => model.calls === 1);
    const duplicate = runImageJob(deps, job.id, delivery(job.id));
    const early = await Promise.race([duplicate, new Promise((r) => setTimeout(r, 2_000, "still running"))]);
    open();
    await Promise.all([first, duplicate]);
    expect(early).toMatchObject({ ack: false, status: 409 });
    expect(model.calls).toBe(1);
    expect(await stored(job.id)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await used()).toBe(1);
  });

  it("makes one model call, one object and one charge when a finished task is delivered again three times", async () => {
    const job = await admitted();
    expect(await runImageJob(deps, job.id, delivery(job.id))).toEqual({ ack: true, reason: "succeeded" });
    const again = await Promise.all([0, 0, 1].map((retry) => runImageJob(deps, job.id, delivery(job.id, retry))));
    expect(again).toEqual(Array.from({ length: 3 }, () => ({ ack: true, reason: "job already succeeded" })));
    expect(model.calls).toBe(1);
    expect(blobs.writes).toBe(1);
    expect(await used()).toBe(1);
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
