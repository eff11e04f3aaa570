// The global daily budget and the per-minute burst limit against the Firestore emulator. The burst
// runs through two store instances on two firebase-admin apps (two function processes); the budget
// floods run through one: on the emulator, two apps' transactions that read and then write the same
// shard stall each other past the store's 5 s deadline (UNAVAILABLE, nothing decided wrongly, but
// not the outcome under test).
import { MODELS, type TierLimits } from "@genai-platform/definition";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { capturedEvents } from "../../test/captured-events.ts";
import { testFirestore } from "../../test/firestore.ts";
import { RecordingQueue } from "../../test/recording-queue.ts";
import { FirestoreAdmissionStore } from "../adapters/firestore/firestore-admission-store.ts";
import { FirestoreBudgetReader } from "../adapters/firestore/firestore-budget-reader.ts";
import { FirestoreJobStore } from "../adapters/firestore/firestore-job-store.ts";
import { FirestoreUsageReader } from "../adapters/firestore/firestore-usage-reader.ts";
import { randomIds } from "../adapters/system/system.ts";
import { type AdmissionDeps, admitJob, type JobRequest } from "./admission.ts";
import { chargeAgentTurn, refundAgentTurn } from "./agent-quota.ts";
import { type DailyBudget, shardCaps } from "./budget.ts";
import type { AppError } from "./errors.ts";
import { agentTurnCostMicroUsd, jobCostMicroUsd } from "./job-cost.ts";
import { fail } from "./job-lifecycle.ts";

const ROOMY = { image: 1000, video: 1000, agent: 1000 };
const LIMITS: TierLimits = { free: { ...ROOMY, perMinute: 1000 }, pro: { ...ROOMY, perMinute: 1000 } };
const NOW = new Date("2026-11-25T10:00:00Z");
const DAY = "2026-11-25";
const IMAGE: JobRequest = {
  kind: "image",
  request: { prompt: "a red fox in snow", aspectRatio: "1:1", imageSize: "1K" },
};
const VIDEO: JobRequest = {
  kind: "video",
  request: {
    prompt: "waves at dusk",
    aspectRatio: "16:9",
    durationSeconds: 4,
    resolution: "720p",
    generateAudio: true,
  },
};
const IMAGE_COST = jobCostMicroUsd(IMAGE, MODELS.image);
const VIDEO_COST = jobCostMicroUsd(VIDEO, MODELS.video);

describe("the global daily budget and the burst limit at admission", () => {
  const fs = testFirestore("src/domain/admission-budget.test.ts");
  const second: App = initializeApp({ projectId: fs.projectId }, `${fs.projectId}-second-process`);
  const queue = new RecordingQueue();
  let events = capturedEvents();
  let clock = NOW;
  const processes = (options: { budget?: DailyBudget; limits?: TierLimits }) =>
    [fs.db, getFirestore(second)].map(
      (db): AdmissionDeps => ({
        admissions: new FirestoreAdmissionStore(db),
        jobs: new FirestoreJobStore(db, () => clock),
        queue,
        events: events.log,
        clock: { now: () => clock },
        ids: randomIds,
        limits: options.limits ?? LIMITS,
        ...(options.budget ? { budget: options.budget } : {}),
      }),
    );

  beforeEach(async () => {
    await fs.clear();
    events = capturedEvents();
    clock = NOW;
  });
  afterAll(async () => {
    await deleteApp(second);
    await fs.close();
  });

  const codes = (results: PromiseSettledResult<unknown>[]) =>
    results.map((r) => (r.status === "fulfilled" ? "ADMITTED" : (r.reason as AppError).code));
  const count = (all: string[], code: string) => all.filter((c) => c === code).length;
  const shardsOfDay = async () =>
    (await fs.db.collection("budgetShards").get()).docs.map((d) => ({
      id: d.id,
      reserved: Number(d.get("reservedMicroUsd")),
    }));
  const reservedSum = async () => (await shardsOfDay()).reduce((sum, s) => sum + s.reserved, 0);

  it("grants exactly the 12 image admissions a budget of 12 holds, out of 40 from 40 users, across every shard", async () => {
    const budget = { dailyMicroUsd: 12 * IMAGE_COST, shards: 4 };
    const [deps] = processes({ budget }) as [AdmissionDeps];
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => admitJob(deps, { uid: `user-${i}`, job: IMAGE })),
    );
    const all = codes(results);
    expect(count(all, "ADMITTED")).toBe(12);
    expect(count(all, "BUDGET_EXHAUSTED")).toBe(28);
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as AppError).status).toBe(503);
    }
    const shards = await shardsOfDay();
    const caps = shardCaps(budget);
    expect(shards.map((s) => s.id).sort()).toEqual([0, 1, 2, 3].map((i) => `${DAY}_${i}`));
    for (const shard of shards)
      expect(shard.reserved).toBeLessThanOrEqual(caps[Number(shard.id.split("_")[1])] as number);
    expect(await reservedSum()).toBe(12 * IMAGE_COST);
    expect((await fs.db.collection("jobs").get()).size).toBe(12);
    expect((await fs.db.collection("usage").get()).size).toBe(12);
  });

  it("never grants more than a budget of mixed costs holds, and refuses only what no longer fits", async () => {
    const budget = { dailyMicroUsd: 5 * VIDEO_COST + 3 * IMAGE_COST + 1, shards: 3 };
    const [deps] = processes({ budget }) as [AdmissionDeps];
    const requests = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? VIDEO : IMAGE));
    const results = await Promise.allSettled(requests.map((job, i) => admitJob(deps, { uid: `mixed-${i}`, job })));
    const granted = requests.reduce(
      (sum, job, i) => sum + (results[i]?.status === "fulfilled" ? jobCostMicroUsd(job, MODELS[job.kind]) : 0),
      0,
    );
    const left = budget.dailyMicroUsd - granted;
    expect(granted).toBeLessThanOrEqual(budget.dailyMicroUsd);
    expect(await reservedSum()).toBe(granted);
    // The reservations only grew, so every refused request was larger than what is left now. Any
    // other refusal is listed with its code and message (BUSY would mean contention outlasted the
    // retries), so a failure says which it was.
    const unexpected = requests.flatMap((job, i) => {
      const r = results[i];
      if (r?.status !== "rejected") return [];
      const error = r.reason as AppError;
      const cost = jobCostMicroUsd(job, MODELS[job.kind]);
      return error.code === "BUDGET_EXHAUSTED" && cost > left
        ? []
        : [`request ${i} (${job.kind}, ${cost} µUSD, ${left} left): ${error.code} ${error.message}`];
    });
    expect(unexpected).toEqual([]);
    expect(codes(results)).toContain("BUDGET_EXHAUSTED");
  });

  it("refuses over budget with BUDGET_EXHAUSTED and Retry-After until midnight, writing nothing and logging a WARNING", async () => {
    const [deps] = processes({ budget: { dailyMicroUsd: IMAGE_COST, shards: 2 } }) as [AdmissionDeps];
    await admitJob(deps, { uid: "first", job: IMAGE });
    const refused = await admitJob(deps, { uid: "late", job: IMAGE, idempotencyKey: "late-key-1" }).catch(
      (e: unknown) => e as AppError,
    );
    expect(refused).toMatchObject({ code: "BUDGET_EXHAUSTED", status: 503, retryAfterSeconds: 14 * 3600 });
    expect((await fs.db.doc(`usage/late_${DAY}`).get()).exists).toBe(false);
    expect((await fs.db.collection("jobs").where("uid", "==", "late").get()).size).toBe(0);
    expect((await fs.db.collection("idempotencyKeys").where("uid", "==", "late").get()).size).toBe(0);
    expect(await reservedSum()).toBe(IMAGE_COST);
    expect(events.lines.at(-1)).toMatchObject({ severity: "WARNING", errorCode: "BUDGET_EXHAUSTED", uid: "late" });
  });

  it("frees a failed job's budget exactly once, so the next admission fits again", async () => {
    const [deps] = processes({ budget: { dailyMicroUsd: 2 * IMAGE_COST, shards: 2 } }) as [AdmissionDeps];
    const first = await admitJob(deps, { uid: "a", job: IMAGE });
    await admitJob(deps, { uid: "b", job: IMAGE });
    await expect(admitJob(deps, { uid: "c", job: IMAGE })).rejects.toMatchObject({ code: "BUDGET_EXHAUSTED" });

    const failure = { code: "MODEL_FAILED", message: "the model failed" };
    expect((await deps.jobs.update(first.job.id, () => fail(failure)))?.changed).toBe(true);
    await deps.jobs.update(first.job.id, () => fail(failure));
    expect(await reservedSum()).toBe(IMAGE_COST);
    expect((await fs.db.doc(`usage/a_${DAY}`).get()).get("costMicroUsd")).toBe(0);

    await admitJob(deps, { uid: "c", job: IMAGE });
    await expect(admitJob(deps, { uid: "d", job: IMAGE })).rejects.toMatchObject({ code: "BUDGET_EXHAUSTED" });
    expect(await reservedSum()).toBe(2 * IMAGE_COST);
  });

  it("records each kind's cost on the usage and the cap on the shards; the readers see them, refunds deducted", async () => {
    const turn = agentTurnCostMicroUsd(MODELS.agent);
    const budget = { dailyMicroUsd: 10 * VIDEO_COST, shards: 3 };
    const [deps] = processes({ budget }) as [AdmissionDeps];
    const quota = { admissions: deps.admissions, events: deps.events, clock: deps.clock, limits: LIMITS, budget };
    const image = await admitJob(deps, { uid: "spender", job: IMAGE });
    await admitJob(deps, { uid: "spender", job: IMAGE });
    await admitJob(deps, { uid: "spender", job: VIDEO });
    await chargeAgentTurn(quota, { uid: "spender" });
    const turnCharge = await chargeAgentTurn(quota, { uid: "spender" });
    await refundAgentTurn(quota, "spender", turnCharge);
    await deps.jobs.update(image.job.id, () => fail({ code: "MODEL_FAILED", message: "the model failed" }));

    const usage = await new FirestoreUsageReader(fs.db).read("spender", DAY);
    expect(usage.costMicroUsdByKind).toEqual({ image: IMAGE_COST, video: VIDEO_COST, agent: turn });
    expect(usage.costMicroUsd).toBe(IMAGE_COST + VIDEO_COST + turn);

    const spend = await new FirestoreBudgetReader(fs.db).read(DAY, budget.shards);
    expect(spend).toEqual({
      day: DAY,
      spentMicroUsd: IMAGE_COST + VIDEO_COST + turn,
      capMicroUsd: budget.dailyMicroUsd,
      shards: (await shardsOfDay()).length,
    });
    expect(spend.shards).toBeGreaterThan(0);
    expect(await new FirestoreBudgetReader(fs.db).read("2026-11-24", budget.shards)).toEqual({
      day: "2026-11-24",
      spentMicroUsd: 0,
      shards: 0,
    });
  });

  it("reserves an agent turn against the budget and releases it when the turn fails", async () => {
    const turn = agentTurnCostMicroUsd(MODELS.agent);
    const [deps] = processes({ budget: { dailyMicroUsd: turn, shards: 2 } }) as [AdmissionDeps];
    const quota = {
      admissions: deps.admissions,
      events: deps.events,
      clock: deps.clock,
      limits: LIMITS,
      budget: deps.budget,
    };
    const charge = await chargeAgentTurn(quota, { uid: "talker" });
    expect(charge.costMicroUsd).toBe(turn);
    await expect(chargeAgentTurn(quota, { uid: "other" })).rejects.toMatchObject({ code: "BUDGET_EXHAUSTED" });
    await refundAgentTurn(quota, "talker", charge);
    expect(await reservedSum()).toBe(0);
    await chargeAgentTurn(quota, { uid: "other" });
  });

  it("admits exactly a user's per-minute limit of a concurrent burst across kinds, RATE_LIMITED for the rest, another user unaffected", async () => {
    const limits: TierLimits = { free: { ...ROOMY, perMinute: 5 }, pro: { ...ROOMY, perMinute: 10 } };
    const deps = processes({ limits });
    const quota = (d: AdmissionDeps) => ({ admissions: d.admissions, events: d.events, clock: d.clock, limits });
    const burst = Array.from({ length: 12 }, (_, i) => {
      const d = deps[i % 2] as AdmissionDeps;
      if (i % 4 === 3) return chargeAgentTurn(quota(d), { uid: "burster" });
      return admitJob(d, { uid: "burster", job: i % 4 === 2 ? VIDEO : IMAGE });
    });
    const calm = Array.from({ length: 3 }, (_, i) =>
      admitJob(deps[i % 2] as AdmissionDeps, { uid: "calm", job: IMAGE }),
    );
    const [burstResults, calmResults] = await Promise.all([Promise.allSettled(burst), Promise.allSettled(calm)]);
    const all = codes(burstResults);
    expect(count(all, "ADMITTED")).toBe(5);
    expect(count(all, "RATE_LIMITED")).toBe(7);
    for (const r of burstResults) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 429, retryAfterSeconds: 60 });
    }
    expect(codes(calmResults)).toEqual(["ADMITTED", "ADMITTED", "ADMITTED"]);
    const usage = (await fs.db.doc(`usage/burster_${DAY}`).get()).data() ?? {};
    expect((usage.image ?? 0) + (usage.video ?? 0) + (usage.agent ?? 0)).toBe(5);

    clock = new Date(NOW.getTime() + 60_000);
    await expect(admitJob(deps[0] as AdmissionDeps, { uid: "burster", job: IMAGE })).resolves.toBeDefined();
  });
});
