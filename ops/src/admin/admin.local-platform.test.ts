// `npm run admin` against the local platform, started here on free ports: a suspension refuses the
// user's next generation and lifting it admits again; pausing a kind refuses new requests with 503
// while what is already queued waits in its paused queue, and resuming runs every waiting job; usage
// and budget show what today's admissions cost, refunds deducted, against the platform's daily budget.
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
/** Far above what these tests spend (a few dozen images), so the budget never refuses one. */
const DAILY_BUDGET_USD = 50;

describe("npm run admin on the local platform", () => {
  let local: LocalPlatform;
  let state: LocalState;
  let observer: App;
  let dir: string;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    local = await startLocalPlatform({ rates: { "image-jobs": IMAGE_RATE }, dailyBudgetUsd: DAILY_BUDGET_USD });
    state = {
      url: local.url,
      projectId: local.projectId,
      firestoreHost: local.firestoreHost,
      authHost: local.authHost,
      tasksEndpoint: local.tasks.endpoint,
      region: local.region,
      tierLimits: local.tierLimits,
      dailyBudgetUsd: DAILY_BUDGET_USD,
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
  function admin(...argv: string[]) {
    return adminWith({}, ...argv);
  }

  /** The same, on another state file's settings or at another time. */
  async function adminWith(options: { state?: LocalState; now?: Date }, ...argv: string[]) {
    const reasonAt = argv.indexOf("--reason");
    const reason = reasonAt >= 0 ? argv[reasonAt + 1] : undefined;
    const positionals = reasonAt >= 0 ? argv.filter((_, i) => i !== reasonAt && i !== reasonAt + 1) : argv;
    const command = parseAdminCommand(positionals, { reason });
    if ("problem" in command) throw new Error(command.problem);
    const out: string[] = [];
    const audit: Array<Record<string, unknown>> = [];
    const code = await runAdmin(
      command,
      { environment: "local", target: async () => localAdminTarget(options.state ?? state) },
      {
        out: (line) => out.push(line),
        audit: (line) => audit.push(JSON.parse(line)),
        json: false,
        ...(options.now ? { now: () => options.now as Date } : {}),
      },
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

  it("tier and usage: the tier is set and today's usage and its cost shown per kind, the total as getUsage reports it", async () => {
    const tier = await admin("tier", "fay", "pro");
    expect(tier).toMatchObject({ code: 0, out: ["✓ tier of fay: pro (new user document)"] });
    expect((await generateImage("fay")).status).toBe(202);
    const reported = await fetch(`${local.url}/getUsage`, {
      headers: { Authorization: `Bearer ${tokens.get("fay")}` },
    });
    const { costUsd } = (await reported.json()) as { costUsd: number };
    expect(costUsd).toBeGreaterThan(0);
    const cost = `${costUsd.toFixed(4)} USD`;
    const usage = await admin("usage", "fay");
    expect(usage.code).toBe(0);
    expect(usage.out.slice(1)).toEqual([
      `  image      1 / ${local.tierLimits.pro.image}   ${cost}`,
      `  video      0 / ${local.tierLimits.pro.video}   0.0000 USD`,
      `  agent      0 / ${local.tierLimits.pro.agent}   0.0000 USD`,
      `  cost   ${cost} estimated (refunds deducted)`,
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
    expect(usage.out[1]).toMatch(
      new RegExp(`^  image  ${String(ran.length).padStart(5)} / ${local.tierLimits.free.image}   \\d+\\.\\d{4} USD$`),
    );
    await admin("unsuspend", "ivy");
  }, 120_000);

  it("budget: today's spend summed over the shards equals every user's cost today, refunds deducted, against the cap the shards record", async () => {
    expect((await generateImage("kim")).status).toBe(202);
    const today = new Date().toISOString().slice(0, 10);
    const usages = await getFirestore(observer).collection("usage").where("day", "==", today).get();
    const charged = usages.docs.reduce((sum, d) => sum + Number(d.get("costMicroUsd") ?? 0), 0);
    expect(charged).toBeGreaterThan(0);
    const capMicroUsd = DAILY_BUDGET_USD * 1_000_000;
    const shards = (await getFirestore(observer).collection("budgetShards").get()).docs.filter((d) =>
      d.id.startsWith(`${today}_`),
    ).length;
    expect(shards).toBeGreaterThan(0);

    const budget = await admin("budget");
    expect(budget.code).toBe(0);
    const percent = Math.round((charged / capMicroUsd) * 1000) / 10;
    expect(budget.out).toEqual([
      `budget on ${today} (UTC): ${(charged / 1e6).toFixed(4)} USD of ${DAILY_BUDGET_USD.toFixed(4)} USD (${percent} %), ${shards} shard${shards === 1 ? "" : "s"}`,
      "  cap from the day's shards",
    ]);
    expect(budget.audit).toEqual([
      expect.objectContaining({ command: "budget", target: "global", environment: "local", outcome: "ok" }),
    ]);
  });

  it("budget on a day no admission touched: the local platform's cap at 0 %, or no budget set without one", async () => {
    const quiet = new Date("2026-01-01T12:00:00Z");
    const configured = await adminWith({ now: quiet }, "budget");
    expect(configured).toMatchObject({
      code: 0,
      out: [
        `budget on 2026-01-01 (UTC): 0.0000 USD of ${DAILY_BUDGET_USD.toFixed(4)} USD (0 %), 0 shards`,
        "  cap from the local platform's --daily-budget-usd",
      ],
    });
    const { dailyBudgetUsd: _, ...unbudgeted } = state;
    const none = await adminWith({ now: quiet, state: unbudgeted }, "budget");
    expect(none).toMatchObject({
      code: 0,
      out: ["budget on 2026-01-01 (UTC): no budget set; 0.0000 USD reserved, 0 shards"],
    });
  });

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
      result: {
        uid: "fay",
        tier: "pro",
        kinds: {
          image: { used: 1, limit: local.tierLimits.pro.image, costUsd: expect.any(Number) },
          video: { used: 0, costUsd: 0, costMicroUsd: 0 },
        },
        cost: { usd: expect.any(Number), microUsd: expect.any(Number) },
      },
    });
    const fay = JSON.parse(ok.stdout).result;
    expect(fay.cost.microUsd).toBeGreaterThan(0);
    expect(fay.kinds.image.costMicroUsd).toBe(fay.cost.microUsd);
    expect(fay.cost.usd).toBe(fay.cost.microUsd / 1e6);
    expect(JSON.parse(ok.stderr.trim())).toMatchObject({ event: "admin.command", command: "usage", outcome: "ok" });

    const budget = await run(process.execPath, ["scripts/admin.ts", "budget", "--json", "--state", file], {
      cwd: ROOT,
    });
    const report = JSON.parse(budget.stdout);
    expect(report).toMatchObject({
      ok: true,
      command: "budget",
      target: "global",
      environment: "local",
      result: {
        day: new Date().toISOString().slice(0, 10),
        cap: { usd: DAILY_BUDGET_USD, microUsd: DAILY_BUDGET_USD * 1e6, source: "the day's shards" },
      },
    });
    expect(report.result.spent.microUsd).toBeGreaterThan(0);
    expect(report.result.percent).toBe(
      Math.round((report.result.spent.microUsd / (DAILY_BUDGET_USD * 1e6)) * 1000) / 10,
    );
    expect(report.result.shards).toBeGreaterThan(0);
    expect(JSON.parse(budget.stderr.trim())).toMatchObject({ command: "budget", target: "global", outcome: "ok" });

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
