// `npm run admin` against the local platform, started here on free ports: a suspension refuses the
// user's next generation and lifting it admits again; pausing a kind refuses new requests with 503
// while what is already queued waits in its paused queue, and resuming runs every waiting job.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { KILL_SWITCH_CACHE_MS } from "@genai-platform/functions/adapters/firestore/firestore-access-controls.ts";
import { type LocalPlatform, startLocalPlatform } from "@genai-platform/local/platform/local-platform.ts";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalState } from "../local-state.ts";
import { parseAdminCommand } from "./admin-command.ts";
import { localAdminTarget } from "./admin-targets.ts";
import { runAdmin } from "./run-admin.ts";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");
const run = promisify(execFile);
/**
 * The image queue at one dispatch every 2 s (burst 1), so a few admissions make a backlog the
 * pause can catch, as a real queue at its provisioned rate has one under load.
 */
const IMAGE_RATE = 0.5;
const OPERATOR = `local:${userInfo().username}`;

describe("npm run admin on the local platform", () => {
  let local: LocalPlatform;
  let state: LocalState;
  let observer: App;
  let dir: string;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    local = await startLocalPlatform({ rates: { "image-jobs": IMAGE_RATE } });
    state = {
      url: local.url,
      projectId: local.projectId,
      firestoreHost: local.firestoreHost,
      authHost: local.authHost,
      tasksEndpoint: local.tasks.endpoint,
      region: local.region,
      tierLimits: local.tierLimits,
    };
    process.env.FIRESTORE_EMULATOR_HOST = local.firestoreHost;
    observer = initializeApp({ projectId: local.projectId }, "admin-observer");
    dir = await mkdtemp(join(tmpdir(), "admin-"));
  });
  afterAll(async () => {
    await deleteApp(observer).catch(() => {});
    await local?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs one admin command in this process, as scripts/admin.ts does; collects what it prints. */
  async function admin(...argv: string[]) {
    const reasonAt = argv.indexOf("--reason");
    const reason = reasonAt >= 0 ? argv[reasonAt + 1] : undefined;
    const positionals = reasonAt >= 0 ? argv.filter((_, i) => i !== reasonAt && i !== reasonAt + 1) : argv;
    const command = parseAdminCommand(positionals, { reason });
    if ("problem" in command) throw new Error(command.problem);
    const out: string[] = [];
    const audit: Array<Record<string, unknown>> = [];
    const code = await runAdmin(
      command,
      { environment: "local", target: async () => localAdminTarget(state) },
      { out: (line) => out.push(line), audit: (line) => audit.push(JSON.parse(line)), json: false },
    );
    return { code, out, audit };
  }

  /**
   * One generateImage as the typed client sends it: an Idempotency-Key, and the same request
   * repeated on the retryable 503s (BUSY, UNAVAILABLE) a loaded machine's first requests may meet.
   */
  async function generateImage(uid: string, prompt = "a lighthouse in a storm") {
    const token = tokens.get(uid) ?? (await local.idToken(uid));
    tokens.set(uid, token);
    const key = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${local.url}/generateImage`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ prompt }),
      });
      const answer = { status: response.status, body: (await response.json()) as Record<string, any> };
      const code = answer.body.error?.code;
      if (attempt >= 4 || (code !== "BUSY" && code !== "UNAVAILABLE")) return answer;
    }
  }

  const jobStatus = async (jobId: string) =>
    (await getFirestore(observer).doc(`jobs/${jobId}`).get()).get("status") as string;
  const waitOutKillSwitchCache = () => new Promise((r) => setTimeout(r, KILL_SWITCH_CACHE_MS + 200));

  it("suspend: the user's next generateImage is 403 ACCOUNT_SUSPENDED; unsuspend: 202 again", async () => {
    expect((await generateImage("eve")).status).toBe(202);

    const suspended = await admin("suspend", "eve", "--reason", "chargeback");
    expect(suspended.code).toBe(0);
    expect(suspended.out[0]).toBe("✓ suspended eve: chargeback (new user document)");
    expect(suspended.audit).toEqual([
      expect.objectContaining({
        severity: "NOTICE",
        event: "admin.command",
        operator: OPERATOR,
        command: "suspend",
        target: "eve",
        environment: "local",
        outcome: "ok",
      }),
    ]);
    const stored = (await getFirestore(observer).doc("users/eve").get()).get("suspended");
    expect(stored).toEqual({ reason: "chargeback", at: expect.any(String), by: OPERATOR });

    const refused = await generateImage("eve");
    expect(refused).toMatchObject({ status: 403, body: { error: { code: "ACCOUNT_SUSPENDED" } } });
    expect(refused.body.error.message).toContain("chargeback");

    expect((await admin("unsuspend", "eve")).out).toEqual(["✓ unsuspended eve"]);
    expect((await generateImage("eve")).status).toBe(202);
  });

  it("tier and usage: the tier is set and today's usage shown per kind against its limits", async () => {
    const tier = await admin("tier", "fay", "pro");
    expect(tier).toMatchObject({ code: 0, out: ["✓ tier of fay: pro (new user document)"] });
    expect((await generateImage("fay")).status).toBe(202);
    const usage = await admin("usage", "fay");
    expect(usage.code).toBe(0);
    expect(usage.out.slice(1)).toEqual([
      `  image      1 / ${local.tierLimits.pro.image}`,
      `  video      0 / ${local.tierLimits.pro.video}`,
      `  agent      0 / ${local.tierLimits.pro.agent}`,
      "  cost   not recorded yet",
    ]);
    expect(usage.out[0]).toMatch(/^usage of fay on \d{4}-\d{2}-\d{2} \(UTC\), tier pro:$/);
  });

  it("pause image: new image requests are 503 GENERATION_PAUSED and queued jobs wait; resume image: every one completes", async () => {
    const backlog = await Promise.all([1, 2, 3].map((n) => generateImage("gus", `backlog ${n}`)));
    expect(backlog.map((a) => a.status)).toEqual([202, 202, 202]);
    const jobIds = backlog.map((a) => a.body.jobId as string);

    const paused = await admin("pause", "image");
    expect(paused.code).toBe(0);
    expect(paused.out.slice(0, 2)).toEqual(["✓ kill switch: image paused", "✓ queue image-jobs: PAUSED"]);
    expect(paused.audit).toEqual([expect.objectContaining({ command: "pause", target: "image", outcome: "ok" })]);
    const atPause = local.tasks.stats()["image-jobs"];
    expect(atPause?.pending).toBeGreaterThan(0);
    // Longer than the queue's 2 s between dispatches: a running queue would have sent one by now.
    await waitOutKillSwitchCache();
    const refused = await generateImage("hal");
    expect(refused).toMatchObject({ status: 503, body: { error: { code: "GENERATION_PAUSED" } } });
    // Nothing left the queue: an attempt already in flight at the pause may finish, no other starts.
    const now = local.tasks.stats()["image-jobs"];
    expect(now?.pending).toBe(atPause?.pending);
    expect((now?.dispatched ?? 0) + (now?.inFlight ?? 0)).toBe((atPause?.dispatched ?? 0) + (atPause?.inFlight ?? 0));
    // Every image job whose task is held (earlier tests' included) is still queued: none reached the worker.
    const queued = await getFirestore(observer).collection("jobs").where("status", "==", "queued").get();
    const waiting = queued.docs.filter((d) => d.get("kind") === "image").map((d) => d.id);
    expect(waiting.length).toBe(atPause?.pending);
    expect(waiting.filter((id) => jobIds.includes(id)).length).toBeGreaterThan(0);
    // Video is another kind: not paused.
    const video = await fetch(`${local.url}/generateVideo`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokens.get("hal")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "waves at night" }),
    });
    expect(video.status).toBe(202);

    const resumed = await admin("resume", "image");
    expect(resumed.out).toEqual(["✓ queue image-jobs: RUNNING", "✓ kill switch: image running"]);
    for (const id of jobIds) {
      for (let status = await jobStatus(id); status !== "succeeded"; status = await jobStatus(id)) {
        expect(["queued", "running"]).toContain(status);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await waitOutKillSwitchCache();
    expect((await generateImage("hal")).status).toBe(202);
  }, 120_000);

  it("suspend while jobs wait in a paused queue: on resume they fail ACCOUNT_SUSPENDED, refunded, and never reach the model", async () => {
    const admitted = await Promise.all([1, 2, 3].map((n) => generateImage("ivy", `held ${n}`)));
    expect(admitted.map((a) => a.status)).toEqual([202, 202, 202]);
    const jobIds = admitted.map((a) => a.body.jobId as string);
    expect((await admin("pause", "image")).code).toBe(0);
    expect((await admin("suspend", "ivy", "--reason", "abuse")).code).toBe(0);
    expect((await admin("resume", "image")).code).toBe(0);

    const final: Record<string, { status: string; code?: string }> = {};
    for (const id of jobIds) {
      for (;;) {
        const doc = await getFirestore(observer).doc(`jobs/${id}`).get();
        if (doc.get("status") === "succeeded" || doc.get("status") === "failed") {
          final[id] = { status: doc.get("status"), code: doc.get("error.code") };
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const refused = Object.values(final).filter((j) => j.status === "failed");
    const ran = Object.values(final).filter((j) => j.status === "succeeded");
    // The ones dispatched before the pause ran; every one held by it failed with the suspension.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((j) => j.code === "ACCOUNT_SUSPENDED")).toBe(true);
    // The model saw only the ones that ran (it is asked in prompt text; nothing else here says "held").
    const asked = local.vertex?.recent().filter((r) => JSON.stringify(r.body).includes('"held ')) ?? [];
    expect(asked.length).toBe(ran.length);
    const usage = await admin("usage", "ivy");
    expect(usage.out[1]).toBe(`  image  ${String(ran.length).padStart(5)} / ${local.tierLimits.free.image}`);
    await admin("unsuspend", "ivy");
  }, 120_000);

  it("npm run admin prints JSON with --json, writes the audit line on stderr, and exits 0, 1 or 2", async () => {
    const file = join(dir, "platform.json");
    await writeFile(file, JSON.stringify(state));
    const ok = await run(process.execPath, ["scripts/admin.ts", "usage", "fay", "--json", "--state", file], {
      cwd: ROOT,
    });
    expect(JSON.parse(ok.stdout)).toMatchObject({
      ok: true,
      command: "usage",
      target: "fay",
      environment: "local",
      operator: OPERATOR,
      result: { uid: "fay", tier: "pro", kinds: { image: { used: 1, limit: local.tierLimits.pro.image } }, cost: null },
    });
    expect(JSON.parse(ok.stderr.trim())).toMatchObject({ event: "admin.command", command: "usage", outcome: "ok" });

    const unknown = await run(process.execPath, ["scripts/admin.ts", "frobnicate"], { cwd: ROOT }).catch((e) => e);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown command frobnicate \(known: tier, suspend/);

    const down = await run(process.execPath, ["scripts/admin.ts", "usage", "eve", "--state", join(dir, "none.json")], {
      cwd: ROOT,
    }).catch((e) => e);
    expect(down.code).toBe(1);
    expect(down.stdout).toContain("✗ usage eve failed: the local platform is not running");
    expect(JSON.parse(down.stderr.trim())).toMatchObject({ command: "usage", outcome: "failed" });
  });
});
