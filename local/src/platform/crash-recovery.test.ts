// Crash recovery with real processes: the image worker's process group SIGKILLed while its model
// call is in flight (seen at the Vertex stand-in, not guessed by sleeping), then started again on
// the same port; and the Firestore emulator stopped and started mid-herd. Every job ends, once.
import { initializeApp } from "firebase-admin/app";
import { type Firestore, getFirestore } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firestoreRestarted } from "../bench/fault-scenarios.ts";
import { runFaultMatrix } from "../bench/faults.ts";
import { auditJobs } from "../bench/job-audit.ts";
import { groupAlive } from "../managed-process.ts";
import { type LocalPlatform, startLocalPlatform } from "./local-platform.ts";

describe("crash recovery on the local platform", () => {
  let local: LocalPlatform;
  let db: Firestore;
  beforeAll(async () => {
    local = await startLocalPlatform();
    process.env.FIRESTORE_EMULATOR_HOST = local.firestoreHost;
    db = getFirestore(initializeApp({ projectId: local.projectId }, `crash-recovery-${Date.now()}`));
  }, 180_000);
  afterAll(async () => {
    await db?.terminate();
    await local?.stop();
  });

  it("finishes a job whose worker was SIGKILLed mid-call: succeeded, charged once, at most two model calls, one output", async () => {
    const uid = "crash-victim";
    const prompt = "[crash-victim] a paper boat on a pond";
    const vertex = local.vertex;
    if (!vertex) throw new Error("no Vertex stand-in");
    // The first call for this prompt hangs far longer than the test waits: the worker dies inside it.
    vertex.faults.push({ promptIncludes: prompt, delayMs: 60_000 });
    const token = await local.idToken(uid);
    const admitted = await fetch(`${local.url}/generateImage`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": uid },
      body: JSON.stringify({ prompt, aspectRatio: "1:1" }),
    });
    expect(admitted.status).toBe(202);
    const { jobId } = (await admitted.json()) as { jobId: string };

    const inFlight = await vertex.calls.waitFor((call) => call.subject.includes(prompt));
    expect(inFlight.endedAt).toBeUndefined();
    const worker = local.functions.get("imageWorker");
    if (!worker) throw new Error("imageWorker is not hosted");
    const killedPgid = worker.pgid;
    const killedAt = Date.now();
    await worker.kill();
    expect(groupAlive(killedPgid)).toBe(false);
    await local.restartFunction("imageWorker");
    expect(worker.pgid).not.toBe(killedPgid);

    let status = "";
    while (status !== "succeeded" && status !== "failed" && Date.now() - killedAt < 150_000) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await db.doc(`jobs/${jobId}`).get()).get("status") as string;
    }
    const recoveryMs = Date.now() - killedAt;
    console.log(
      `crash recovery: ${(recoveryMs / 1000).toFixed(1)} s from SIGKILL to succeeded (lease 30 s, renewed every 10 s)`,
    );
    expect(status).toBe("succeeded");

    const audit = await auditJobs(db, [{ uid, prompt }], vertex.calls.calls());
    expect(audit).toMatchObject({ jobs: 1, succeeded: 1, doubleCharges: 0, doubleRefunds: 0, doubleModelCalls: 0 });
    const day = (await db.doc(`jobs/${jobId}`).get()).get("usageDay") as string;
    expect((await db.doc(`usage/${uid}_${day}`).get()).get("image")).toBe(1);
    // The killed call's connection died with its process: the stand-in saw it abandoned, and the
    // lease (30 s, no longer renewed) let exactly one later delivery call the model again.
    const calls = vertex.calls.calls().filter((call) => call.subject.includes(prompt));
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls[0]?.outcome).toBe("abandoned");
    expect(calls.at(-1)?.outcome).toBe(200);
    // The lease guarantees the killed call's result is never written: its holder is gone, and a
    // holder that lost its lease cannot pass the conditional transition. One object, at the job's path.
    const objects = [...local.storage.objects(local.mediaBucket).keys()].filter((name) =>
      name.startsWith(`users/${uid}/`),
    );
    expect(objects).toEqual([`users/${uid}/images/${jobId}.png`]);
  }, 240_000);

  it("ends every job of a herd succeeded or failed and refunded when Firestore stops and starts again mid-herd", async () => {
    const [row] = await runFaultMatrix({
      scenarios: [{ ...firestoreRestarted, jobs: 12 }],
      local,
      settleTimeoutMs: 180_000,
      log: (line) => console.log(line),
    });
    expect(row).toMatchObject({ jobs: 12, settled: true, stranded: 0, doubleCharges: 0, doubleRefunds: 0 });
    expect((row?.succeeded ?? 0) + (row?.failedRefunded ?? 0)).toBe(12);
  }, 300_000);
});
