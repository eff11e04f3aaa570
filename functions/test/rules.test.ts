// firestore.rules against the Firestore emulator with the client SDK: a signed-in user reads only
// their own user, job and usage documents; nobody reads idempotency records; no client write succeeds.
import { readFileSync } from "node:fs";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { setLogLevel } from "firebase/firestore";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorHost, testProjectId } from "./firestore.ts";

const DAY = "2026-11-25";
const SEED: Record<string, Record<string, unknown>> = {
  "users/ada": { tier: "free" },
  "users/bob": { tier: "pro" },
  "controls/generation": { paused: { image: false, video: false, agent: false } },
  "jobs/job-ada-1": { uid: "ada", kind: "image", status: "succeeded", model: "m" },
  "jobs/job-bob-1": { uid: "bob", kind: "image", status: "queued", model: "m" },
  [`usage/ada_${DAY}`]: { uid: "ada", day: DAY, image: 2 },
  [`usage/bob_${DAY}`]: { uid: "bob", day: DAY, image: 7 },
  "idempotencyKeys/ada_key-00000001": { uid: "ada", jobId: "job-ada-1" },
  [`budgetShards/${DAY}_0`]: { day: DAY, shard: 0, reservedMicroUsd: 156_000 },
};

type Who = "ada" | "bob" | "anonymous";

let env: RulesTestEnvironment;

beforeAll(async () => {
  // Every refused write is also logged by the SDK; the assertions already say what was refused.
  setLogLevel("silent");
  const [host = "", port = ""] = emulatorHost().split(":");
  env = await initializeTestEnvironment({
    projectId: testProjectId("test/rules.test.ts"),
    firestore: {
      host,
      port: Number(port),
      rules: readFileSync(new URL("../../firestore.rules", import.meta.url), "utf8"),
    },
  });
});
beforeEach(async () => {
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (ctx) => {
    const db = ctx.firestore();
    await Promise.all(Object.entries(SEED).map(([path, data]) => db.doc(path).set(data)));
  });
});
afterAll(async () => {
  await env?.cleanup();
});

function as(who: Who): ReturnType<RulesTestContext["firestore"]> {
  return (who === "anonymous" ? env.unauthenticatedContext() : env.authenticatedContext(who)).firestore();
}

async function snapshot(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  await env.withSecurityRulesDisabled(async (ctx) => {
    for (const path of Object.keys(SEED)) out[path] = (await ctx.firestore().doc(path).get()).data();
  });
  return out;
}

describe("reading documents from a client", () => {
  const cases: Array<{ who: Who; path: string; allowed: boolean }> = [
    { who: "ada", path: "users/ada", allowed: true },
    { who: "ada", path: "users/bob", allowed: false },
    { who: "anonymous", path: "users/ada", allowed: false },
    { who: "ada", path: "jobs/job-ada-1", allowed: true },
    { who: "ada", path: "jobs/job-bob-1", allowed: false },
    { who: "bob", path: "jobs/job-bob-1", allowed: true },
    { who: "anonymous", path: "jobs/job-ada-1", allowed: false },
    { who: "ada", path: "jobs/job-that-does-not-exist", allowed: false },
    { who: "ada", path: `usage/ada_${DAY}`, allowed: true },
    { who: "ada", path: `usage/bob_${DAY}`, allowed: false },
    { who: "anonymous", path: `usage/ada_${DAY}`, allowed: false },
    { who: "ada", path: "idempotencyKeys/ada_key-00000001", allowed: false },
    { who: "ada", path: "settings/anything", allowed: false },
    { who: "ada", path: "controls/generation", allowed: false },
    { who: "anonymous", path: "controls/generation", allowed: false },
    { who: "ada", path: `budgetShards/${DAY}_0`, allowed: false },
  ];

  it.each(cases)("$who reading $path is allowed: $allowed", async ({ who, path, allowed }) => {
    const read = as(who).doc(path).get();
    if (allowed) expect((await assertSucceeds(read)).exists).toBe(true);
    else await assertFails(read);
  });

  it("lets a user list their own jobs only with a query filtered on their uid", async () => {
    const jobs = as("ada").collection("jobs");
    const own = await assertSucceeds(jobs.where("uid", "==", "ada").get());
    expect(own.docs.map((d) => d.id)).toEqual(["job-ada-1"]);
    await assertFails(jobs.get());
    await assertFails(jobs.where("uid", "==", "bob").get());
    await assertFails(as("anonymous").collection("jobs").where("uid", "==", "ada").get());
  });

  it("lets a user list their own usage days with a uid filter, never the whole collection", async () => {
    const usage = as("ada").collection("usage");
    expect((await assertSucceeds(usage.where("uid", "==", "ada").get())).size).toBe(1);
    await assertFails(usage.get());
  });
});

describe("writing documents from a client", () => {
  type Write = { who: Who; name: string; run: (db: ReturnType<typeof as>) => Promise<unknown> };
  const writes: Write[] = [
    { who: "ada", name: "upgrade own tier to pro", run: (db) => db.doc("users/ada").update({ tier: "pro" }) },
    { who: "ada", name: "overwrite own user document", run: (db) => db.doc("users/ada").set({ tier: "pro" }) },
    { who: "ada", name: "delete own user document", run: (db) => db.doc("users/ada").delete() },
    { who: "ada", name: "create a user document for someone else", run: (db) => db.doc("users/eve").set({}) },
    { who: "bob", name: "downgrade another user", run: (db) => db.doc("users/ada").update({ tier: "free" }) },
    { who: "ada", name: "lift own suspension", run: (db) => db.doc("users/ada").update({ suspended: null }) },
    {
      who: "ada",
      name: "resume a paused kind",
      run: (db) => db.doc("controls/generation").set({ paused: { image: false } }, { merge: true }),
    },
    { who: "anonymous", name: "pause generation", run: (db) => db.doc("controls/generation").set({ paused: {} }) },
    {
      who: "ada",
      name: "create a job of their own",
      run: (db) => db.doc("jobs/job-ada-2").set({ uid: "ada", kind: "image", status: "queued" }),
    },
    {
      who: "ada",
      name: "mark own job succeeded",
      run: (db) => db.doc("jobs/job-ada-1").update({ status: "succeeded" }),
    },
    { who: "ada", name: "delete own job", run: (db) => db.doc("jobs/job-ada-1").delete() },
    { who: "ada", name: "edit another user's job", run: (db) => db.doc("jobs/job-bob-1").update({ uid: "ada" }) },
    { who: "ada", name: "reset own usage", run: (db) => db.doc(`usage/ada_${DAY}`).update({ image: 0 }) },
    { who: "ada", name: "delete own usage", run: (db) => db.doc(`usage/ada_${DAY}`).delete() },
    {
      who: "ada",
      name: "create tomorrow's usage",
      run: (db) => db.doc("usage/ada_2026-11-26").set({ uid: "ada", day: "2026-11-26", image: 0 }),
    },
    {
      who: "ada",
      name: "create an idempotency record",
      run: (db) => db.doc("idempotencyKeys/ada_key-00000002").set({ uid: "ada", jobId: "job-bob-1" }),
    },
    {
      who: "ada",
      name: "delete own idempotency record",
      run: (db) => db.doc("idempotencyKeys/ada_key-00000001").delete(),
    },
    { who: "anonymous", name: "create a user document", run: (db) => db.doc("users/anon").set({ tier: "pro" }) },
    { who: "anonymous", name: "create a job", run: (db) => db.doc("jobs/anon-job").set({ uid: "anon" }) },
    { who: "anonymous", name: "edit usage", run: (db) => db.doc(`usage/ada_${DAY}`).update({ image: 0 }) },
    {
      who: "ada",
      name: "free budget on a shard",
      run: (db) => db.doc(`budgetShards/${DAY}_0`).update({ reservedMicroUsd: 0 }),
    },
    { who: "ada", name: "write an unlisted collection", run: (db) => db.doc("settings/x").set({ a: 1 }) },
  ];

  it.each(writes)("$who may not $name", async ({ who, run }) => {
    await assertFails(run(as(who)));
  });

  it("leaves every seeded document exactly as it was after all those attempts", async () => {
    const before = await snapshot();
    for (const write of writes) await assertFails(write.run(as(write.who)));
    expect(await snapshot()).toEqual(before);
    await env.withSecurityRulesDisabled(async (ctx) => {
      for (const path of ["users/eve", "users/anon", "jobs/job-ada-2", "jobs/anon-job", "usage/ada_2026-11-26"]) {
        expect((await ctx.firestore().doc(path).get()).exists, path).toBe(false);
      }
    });
  });

  it("refuses a batched write to the user's own usage", async () => {
    const db = as("ada");
    const batch = db.batch();
    batch.update(db.doc(`usage/ada_${DAY}`), { image: 0 });
    await assertFails(batch.commit());
  });
});
