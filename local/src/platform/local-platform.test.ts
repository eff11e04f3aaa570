// The sweeper on the whole local platform: its bundle hosted like every function, behind the host's
// Cloud Run-style OIDC check, called by the local scheduler with a token from the platform's one
// signer. A stranded job is written straight into the emulator with an admission long past.
import { platform } from "@genai-platform/definition";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { type Firestore, getFirestore, Timestamp } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalPlatform, startLocalPlatform } from "./local-platform.ts";

/** Longer ago than any job's deadline (the longest is under three hours; see job-deadline.ts). */
const LONG_AGO = new Date(Date.now() - 24 * 3600 * 1000);
const DAY = LONG_AGO.toISOString().slice(0, 10);

describe("the sweeper on the local platform", () => {
  let local: LocalPlatform;
  let admin: App;
  let db: Firestore;
  const lines: string[] = [];

  beforeAll(async () => {
    local = await startLocalPlatform({ log: (source, line) => lines.push(`[${source}] ${line}`) });
    process.env.FIRESTORE_EMULATOR_HOST = local.firestoreHost;
    admin = initializeApp({ projectId: local.projectId }, "sweeper-observer");
    db = getFirestore(admin);
  }, 180_000);
  afterAll(async () => {
    if (admin) await deleteApp(admin).catch(() => {});
    await local?.stop();
  }, 60_000);

  /** A job whose every requeue is spent, queued since LONG_AGO, with its unit charged. */
  async function strandedJob(id: string, uid: string) {
    const at = Timestamp.fromDate(LONG_AGO);
    await db.doc(`usage/${uid}_${DAY}`).set({ uid, day: DAY, image: 1 });
    await db.doc(`jobs/${id}`).set({
      uid,
      kind: "image",
      tier: "free",
      model: platform.defaultModels.image.id,
      status: "queued",
      request: { prompt: "a red kite", aspectRatio: "1:1", imageSize: "1K" },
      usageDay: DAY,
      createdAt: at,
      updatedAt: at,
      expireAt: Timestamp.fromDate(new Date(Date.now() + 7 * 86_400_000)),
      attempts: 0,
      sweeps: platform.sweeper.maxRequeues,
      sweptAt: at,
      refunded: false,
    });
  }
  const sweeperUrl = () => `${local.functions.get("sweepJobs")?.url}/`;
  const call = (authorization?: string) =>
    fetch(sweeperUrl(), { method: "POST", headers: authorization ? { authorization } : {} });

  it.each([
    ["no token", async () => undefined, 401],
    [
      "a token for another URL",
      async () => `Bearer ${await local.oidcIssuer.sign({ email: local.schedulerEmail, aud: local.url })}`,
      401,
    ],
    [
      "the tasks invoker's token for the sweeper's URL",
      async () =>
        `Bearer ${await local.oidcIssuer.sign({ email: "tasks-invoker@local.iam.gserviceaccount.com", aud: sweeperUrl() })}`,
      403,
    ],
  ])("refuses a call with %s before the sweep runs, leaving jobs untouched", async (_, token, status) => {
    await strandedJob("refused-job", "grace");
    const answer = await call(await token());
    expect(answer.status).toBe(status);
    expect((await db.doc("jobs/refused-job").get()).data()).toMatchObject({ status: "queued", refunded: false });
    expect((await db.doc(`usage/grace_${DAY}`).get()).get("image")).toBe(1);
  });

  it("runs one sweep on sweep(): the stranded job is failed and refunded, and the run is logged", async () => {
    await db.doc("jobs/refused-job").delete();
    await strandedJob("stranded-job", "ada");
    const report = await local.sweep();
    expect(report).toEqual({ examined: 1, requeued: 0, failed: 1, skipped: 0 });
    expect((await db.doc("jobs/stranded-job").get()).data()).toMatchObject({
      status: "failed",
      refunded: true,
      error: { code: "JOB_DEADLINE_EXCEEDED" },
    });
    expect((await db.doc(`usage/ada_${DAY}`).get()).get("image")).toBe(0);
    expect(lines).toContain(`[scheduler] sweepJobs run: ${JSON.stringify(report)}`);
    // The function's own structured line, from its process.
    expect(lines.some((l) => l.startsWith("[sweepJobs] ") && l.includes('"sweep":{"examined":1'))).toBe(true);
    // Nothing left to do: the next run examines nothing.
    expect(await local.sweep()).toEqual({ examined: 0, requeued: 0, failed: 0, skipped: 0 });
  });
});
