import type { TierLimits } from "@genai-platform/definition";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { capturedEvents } from "../../test/captured-events.ts";
import { testFirestore } from "../../test/firestore.ts";
import { RecordingQueue } from "../../test/recording-queue.ts";
import { FirestoreAdmissionStore } from "../adapters/firestore/firestore-admission-store.ts";
import { FirestoreJobStore } from "../adapters/firestore/firestore-job-store.ts";
import { randomIds } from "../adapters/system/system.ts";
import { type AdmissionDeps, admitJob } from "./admission.ts";
import { AppError } from "./errors.ts";

const LIMITS: TierLimits = { free: { image: 3, video: 1, agent: 2 }, pro: { image: 10, video: 5, agent: 20 } };
const NOW = new Date("2026-11-25T10:00:00Z");
const IMAGE = {
  kind: "image" as const,
  request: { prompt: "a red fox in snow", aspectRatio: "1:1" as const, imageSize: "1K" as const },
};

describe("admitting a generation job", () => {
  const fs = testFirestore("src/domain/admission.test.ts");
  let queue: RecordingQueue;
  let events: ReturnType<typeof capturedEvents>;
  let deps: AdmissionDeps;

  beforeEach(async () => {
    await fs.clear();
    queue = new RecordingQueue();
    events = capturedEvents();
    deps = {
      admissions: new FirestoreAdmissionStore(fs.db),
      jobs: new FirestoreJobStore(fs.db, () => NOW),
      queue,
      events: events.log,
      clock: { now: () => NOW },
      ids: randomIds,
      limits: LIMITS,
    };
  });
  afterAll(() => fs.close());

  const usage = async (uid: string) => (await fs.db.doc(`usage/${uid}_2026-11-25`).get()).data();
  const jobCount = async () => (await fs.db.collection("jobs").get()).size;

  it("charges one unit, writes a queued job and enqueues a task named after it", async () => {
    const { job, replayed } = await admitJob(deps, {
      uid: "ada",
      job: IMAGE,
      trace: "0123456789abcdef0123456789abcdef",
    });
    expect(replayed).toBe(false);
    expect(job).toMatchObject({ uid: "ada", kind: "image", tier: "free", status: "queued", usageDay: "2026-11-25" });
    expect((await usage("ada"))?.image).toBe(1);
    expect((await fs.db.doc(`jobs/${job.id}`).get()).get("status")).toBe("queued");
    expect(queue.tasks).toEqual([
      { queue: "image-jobs", task: { taskId: job.id, payload: { jobId: job.id, step: "run" } } },
    ]);
    expect(events.lines[0]).toMatchObject({
      eventType: "genai.generation",
      event: "admitted",
      jobId: job.id,
      tier: "free",
    });
  });

  it("reads the tier from the user document and applies its limits", async () => {
    await fs.db.doc("users/grace").set({ tier: "pro" });
    for (let i = 0; i < 5; i++) await admitJob(deps, { uid: "grace", job: IMAGE });
    expect((await usage("grace"))?.image).toBe(5);
    const { job } = await admitJob(deps, { uid: "grace", job: IMAGE });
    expect(job.tier).toBe("pro");
  });

  it("treats an unknown tier value as free", async () => {
    await fs.db.doc("users/mallory").set({ tier: "platinum" });
    for (let i = 0; i < 3; i++) await admitJob(deps, { uid: "mallory", job: IMAGE });
    await expect(admitJob(deps, { uid: "mallory", job: IMAGE })).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });
  });

  it("rejects over the daily limit with QUOTA_EXCEEDED and a Retry-After until UTC midnight, writing nothing", async () => {
    for (let i = 0; i < 3; i++) await admitJob(deps, { uid: "ada", job: IMAGE });
    const error = await admitJob(deps, { uid: "ada", job: IMAGE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "QUOTA_EXCEEDED", status: 429, retryAfterSeconds: 14 * 3600 });
    expect(await jobCount()).toBe(3);
    expect((await usage("ada"))?.image).toBe(3);
    expect(queue.tasks).toHaveLength(3);
    expect(events.lines.at(-1)).toMatchObject({ event: "rejected", errorCode: "QUOTA_EXCEEDED", severity: "WARNING" });
  });

  it("counts kinds separately", async () => {
    await admitJob(deps, {
      uid: "ada",
      job: {
        kind: "video",
        request: {
          prompt: "waves at dusk",
          aspectRatio: "16:9",
          durationSeconds: 8,
          resolution: "720p",
          generateAudio: true,
        },
      },
    });
    await expect(
      admitJob(deps, {
        uid: "ada",
        job: {
          kind: "video",
          request: {
            prompt: "waves at dawn",
            aspectRatio: "16:9",
            durationSeconds: 8,
            resolution: "720p",
            generateAudio: true,
          },
        },
      }),
    ).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });
    await admitJob(deps, { uid: "ada", job: IMAGE });
    expect(await usage("ada")).toMatchObject({ image: 1, video: 1 });
    expect(queue.tasks.map((t) => [t.queue, t.task.payload.step])).toEqual([
      ["video-jobs", "start"],
      ["image-jobs", "run"],
    ]);
  });

  it("returns the same job for a repeated Idempotency-Key without a second charge", async () => {
    const first = await admitJob(deps, { uid: "ada", job: IMAGE, idempotencyKey: "key-00000001" });
    const again = await admitJob(deps, { uid: "ada", job: IMAGE, idempotencyKey: "key-00000001" });
    expect(again).toMatchObject({ replayed: true, job: { id: first.job.id } });
    expect((await usage("ada"))?.image).toBe(1);
    expect(await jobCount()).toBe(1);
    expect(queue.tasks).toHaveLength(1);
  });

  it("scopes idempotency keys to the user", async () => {
    const a = await admitJob(deps, { uid: "ada", job: IMAGE, idempotencyKey: "shared-key-1" });
    const b = await admitJob(deps, { uid: "bob", job: IMAGE, idempotencyKey: "shared-key-1" });
    expect(b.job.id).not.toBe(a.job.id);
    expect(b.replayed).toBe(false);
  });

  it("answers CONFLICT when a key is reused for a different request", async () => {
    await admitJob(deps, { uid: "ada", job: IMAGE, idempotencyKey: "key-00000002" });
    const other = { ...IMAGE, request: { ...IMAGE.request, prompt: "a blue fox" } };
    await expect(admitJob(deps, { uid: "ada", job: other, idempotencyKey: "key-00000002" })).rejects.toMatchObject({
      code: "CONFLICT",
      field: "Idempotency-Key",
    });
    expect((await usage("ada"))?.image).toBe(1);
  });

  it("retries an enqueue that fails after the admission committed, and queues the job charged once", async () => {
    queue.failTimes = 3;
    const { job } = await admitJob(deps, { uid: "ada", job: IMAGE });
    expect(queue.attempts).toBe(4);
    expect(queue.tasks.map((t) => t.task.taskId)).toEqual([job.id]);
    expect((await fs.db.doc(`jobs/${job.id}`).get()).get("status")).toBe("queued");
    expect((await usage("ada"))?.image).toBe(1);
  });

  it("takes an enqueue whose first answer was lost after Cloud Tasks created the task as done (already exists)", async () => {
    queue.createThenFailTimes = 1;
    const { job } = await admitJob(deps, { uid: "ada", job: IMAGE });
    expect(queue.attempts).toBe(2);
    expect(queue.tasks.map((t) => t.task.taskId)).toEqual([job.id]);
    expect((await fs.db.doc(`jobs/${job.id}`).get()).get("status")).toBe("queued");
    expect((await usage("ada"))?.image).toBe(1);
  });

  it("refunds, fails the job and frees the key when the enqueue keeps failing for the retry window, answering UNAVAILABLE", async () => {
    queue.failWith = new Error("Cloud Tasks is down");
    deps = { ...deps, enqueueRetryMs: 500 };
    const error = await admitJob(deps, { uid: "ada", job: IMAGE, idempotencyKey: "key-00000003" }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: 503, retryAfterSeconds: 5 });
    const jobs = await fs.db.collection("jobs").get();
    expect(jobs.docs.map((d) => [d.get("status"), d.get("error.code"), d.get("refunded")])).toEqual([
      ["failed", "ENQUEUE_FAILED", true],
    ]);
    expect((await usage("ada"))?.image).toBe(0);
    expect(queue.attempts).toBeGreaterThan(1);
    queue.failWith = undefined;
    const retried = await admitJob(deps, { uid: "ada", job: IMAGE, idempotencyKey: "key-00000003" });
    expect(retried.replayed).toBe(false);
    expect((await usage("ada"))?.image).toBe(1);
  });

  it("re-enqueues a replayed job that is still queued (the first request may have died before enqueueing)", async () => {
    const first = await admitJob(deps, { uid: "ada", job: IMAGE, idempotencyKey: "key-00000004" });
    queue.tasks.length = 0;
    const names = new RecordingQueue();
    const again = await admitJob({ ...deps, queue: names }, { uid: "ada", job: IMAGE, idempotencyKey: "key-00000004" });
    expect(again.job.id).toBe(first.job.id);
    expect(names.tasks.map((t) => t.task.taskId)).toEqual([first.job.id]);
  });

  it("grants at most N of 3N concurrent requests from one user, refusing the rest cleanly", async () => {
    const limit = LIMITS.free.image;
    const results = await Promise.allSettled(
      Array.from({ length: 3 * limit }, () => admitJob(deps, { uid: "racer", job: IMAGE })),
    );
    const admitted = results.filter((r) => r.status === "fulfilled").length;
    const refusals = results.flatMap((r) => (r.status === "rejected" ? [r.reason as AppError] : []));
    expect(admitted).toBe(limit);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(AppError);
      expect(["QUOTA_EXCEEDED", "BUSY"]).toContain(refusal.code);
      expect([429, 503]).toContain(refusal.status);
    }
    expect((await usage("racer"))?.image).toBe(limit);
    expect(await jobCount()).toBe(limit);
  });

  it("admits 200 distinct users arriving at once", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => admitJob(deps, { uid: `crowd-${i}`, job: IMAGE })),
    );
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await jobCount()).toBe(200);
    expect(queue.tasks).toHaveLength(200);
  });
});
