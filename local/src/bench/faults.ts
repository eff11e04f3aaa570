// The fault matrix: each scenario end to end on one local platform, one after the other, each with
// users of its own. Per scenario: the jobs admitted and how they ended, the model calls the Vertex
// stand-in saw, the charges the usage documents hold, and the time to settle. The columns the
// delivery guarantees promise to keep at zero (stranded, double model calls, double charges,
// double refunds) make the run fail when they are not.
import { initializeApp } from "firebase-admin/app";
import { type Firestore, getFirestore } from "firebase-admin/firestore";
import pLimit from "p-limit";
import { type LocalPlatform, startLocalPlatform } from "../platform/local-platform.ts";
import type { Scenario, ScenarioContext } from "./fault-scenarios.ts";
import { type AuditSummary, auditJobs, type TrackedUser, waitUntilSettled } from "./job-audit.ts";
import { round, table } from "./stats.ts";
import { sweeperAt } from "./sweep-at.ts";

export interface FaultRow extends Omit<AuditSummary, "perJob"> {
  scenario: string;
  /** Admissions answered 202 (a job whose enqueue never succeeded is answered 503 and failed). */
  answered202: number;
  /** Deliveries the image queue made during the scenario (retries and duplicates included). */
  deliveries: number;
  settled: boolean;
  settleSeconds: number;
  notes: string[];
}

export interface FaultMatrixOptions {
  scenarios: readonly Scenario[];
  /** A platform already running (tests share one); default: one started and stopped here. */
  local?: LocalPlatform;
  /** Longest wait for one scenario's jobs to settle; default 180 s. */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

const ADMIT_ATTEMPTS = 5;

/** The columns that must be 0 in every row. */
export const MUST_BE_ZERO = ["stranded", "doubleModelCalls", "doubleCharges", "doubleRefunds"] as const;

export async function runFaultMatrix(options: FaultMatrixOptions): Promise<FaultRow[]> {
  const log = options.log ?? (() => {});
  const local = options.local ?? (await startLocalPlatform());
  process.env.FIRESTORE_EMULATOR_HOST = local.firestoreHost;
  const db = getFirestore(initializeApp({ projectId: local.projectId }, `fault-matrix-${Date.now()}`));
  const run = Date.now().toString(36);
  try {
    const sweeper = sweeperAt(local);
    const rows: FaultRow[] = [];
    for (const [index, scenario] of options.scenarios.entries()) {
      log(`scenario ${scenario.name}: ${scenario.description}`);
      rows.push(
        await runScenario(local, db, sweeper, scenario, `${run}-${index}`, options.settleTimeoutMs ?? 180_000, log),
      );
    }
    return rows;
  } finally {
    await db.terminate();
    if (!options.local) await local.stop();
  }
}

async function runScenario(
  local: LocalPlatform,
  db: Firestore,
  sweeper: ScenarioContext["sweeper"],
  scenario: Scenario,
  tag: string,
  settleTimeoutMs: number,
  log: (line: string) => void,
): Promise<FaultRow> {
  const vertex = local.vertex;
  if (!vertex) throw new Error("the fault matrix needs the Vertex AI stand-in");
  const users: TrackedUser[] = Array.from({ length: scenario.jobs }, (_, i) => ({
    uid: `faults-${tag}-${i}`,
    // Bracketed and unique, so one job's prompt is never a part of another's.
    prompt: `[job ${tag}-${i}] a ceramic mug on a wooden table`,
  }));
  const signIn = pLimit(5);
  const tokens = await Promise.all(users.map((u) => signIn(() => local.idToken(u.uid))));
  const notes: string[] = [];
  let answers: number[] = [];
  const start = Date.now();
  const dispatched = () => local.tasks.stats()["image-jobs"]?.dispatched ?? 0;
  const dispatchedBefore = dispatched();
  const ctx: ScenarioContext = {
    local,
    vertex,
    db,
    sweeper,
    users,
    log,
    note: (text) => {
      notes.push(text);
      log(`  ${text}`);
    },
    admit: async () => {
      answers = await Promise.all(users.map((user, i) => admitOne(local.url, user, tokens[i] ?? "", log)));
      return answers;
    },
    succeededAt: async (user, timeoutMs = settleTimeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const snap = await db
          .collection("jobs")
          .where("uid", "==", user.uid)
          .get()
          .catch(() => undefined);
        if (snap?.docs.some((d) => d.get("status") === "succeeded")) return Date.now();
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${user.uid}'s job did not succeed within ${timeoutMs} ms`);
    },
  };
  try {
    await scenario.run(ctx);
    const { settled, settleMs } = await waitUntilSettled(db, users, { timeoutMs: settleTimeoutMs, since: start });
    // Deliveries still under way (a duplicate waiting out a contended transaction, a retry after a
    // 409) may yet call the model: the audit waits for the queues to drain, or gives up after the
    // settle timeout, so a late call is counted in this row and not in the next.
    await Promise.race([local.tasks.idle(), new Promise((r) => setTimeout(r, settleTimeoutMs).unref())]);
    const { perJob: _perJob, ...audit } = await auditJobs(db, users, vertex.calls.calls());
    const row: FaultRow = {
      scenario: scenario.name,
      answered202: answers.filter((s) => s === 202).length,
      ...audit,
      deliveries: dispatched() - dispatchedBefore,
      settled,
      settleSeconds: round(settleMs / 1000, 1),
      notes,
    };
    log(
      `  ${row.jobs} jobs: ${row.succeeded} succeeded, ${row.failedRefunded} failed+refunded, ${row.stranded} stranded`,
    );
    return row;
  } finally {
    // Nothing scripted carries over into the next scenario.
    vertex.faults.clear();
    local.tasks.faults.clear();
  }
}

/**
 * One user's generateImage as the typed client sends it: with an Idempotency-Key, retried with the
 * same key on a retryable answer (503 UNAVAILABLE while a cold instance first reaches Firestore,
 * say), after its Retry-After. Resolves to the last status (0: no answer).
 */
async function admitOne(url: string, user: TrackedUser, token: string, log: (line: string) => void): Promise<number> {
  let status = 0;
  for (let attempt = 1; attempt <= ADMIT_ATTEMPTS; attempt++) {
    const response = await fetch(`${url}/generateImage`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/json",
        "Idempotency-Key": `admit-${user.uid}`,
      },
      body: JSON.stringify({ prompt: user.prompt, aspectRatio: "1:1" }),
    }).catch(() => undefined);
    const text = (await response?.text()) ?? "";
    status = response?.status ?? 0;
    if (status === 202 || (status >= 400 && status < 500 && status !== 429)) return status;
    log(`  ${user.uid}: attempt ${attempt} answered ${status} ${text.slice(0, 120)}`);
    const retryAfter = Number(response?.headers.get("retry-after") ?? 1);
    await new Promise((r) => setTimeout(r, Math.min(10, Number.isFinite(retryAfter) ? retryAfter : 1) * 1000));
  }
  return status;
}

export function faultMatrixHolds(rows: readonly FaultRow[]): boolean {
  return rows.every((row) => row.jobs > 0 && MUST_BE_ZERO.every((column) => row[column] === 0));
}

export function renderFaultMatrix(rows: readonly FaultRow[]): string {
  const body = table(
    [
      "scenario",
      "admitted",
      "202s",
      "succeeded",
      "failed+refunded",
      "stranded",
      "deliveries",
      "model calls",
      "double calls",
      "double charges",
      "double refunds",
      "settled in",
    ],
    rows.map((r) => [
      r.scenario,
      r.jobs,
      r.answered202,
      r.succeeded,
      r.failedRefunded,
      r.stranded,
      r.deliveries,
      r.modelCalls,
      r.doubleModelCalls,
      r.doubleCharges,
      r.doubleRefunds,
      `${r.settleSeconds.toFixed(1)} s${r.settled ? "" : " (timed out)"}`,
    ]),
  );
  const notes = rows.flatMap((r) => r.notes.map((n) => `${r.scenario}: ${n}`));
  const verdict = faultMatrixHolds(rows)
    ? "every job ended; no double model call, charge or refund: met"
    : `NOT met: ${MUST_BE_ZERO.join(", ")} must be 0 in every row`;
  return [body, "", ...notes, ...(notes.length ? [""] : []), verdict].join("\n");
}
