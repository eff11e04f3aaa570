// The thundering herd: N users fire one generateImage each at the same moment against the local
// platform, whose image queue and Vertex stand-in quota are both set to R per second. Each user
// calls through the typed client, with its retries under the same Idempotency-Key, as the web app
// does; the public functions run as several processes behind the gateway, as production scales
// them out. The same N requests are also sent straight to the stand-in, the way the old
// client-side code called Gemini (the baseline). Both are measured in the same run.
//
// With `hog`, one Pro user fires that many requests at the same moment as the herd: the fairness
// case, whose question is how much the herd's latency suffers from one heavy account.

import { monitorEventLoopDelay } from "node:perf_hooks";
import { MODELS, platform } from "@genai-platform/definition";
import { createGenAi } from "@genai-platform/functions/adapters/vertex/genai-client.ts";
import { initializeApp } from "firebase-admin/app";
import { type Firestore, getFirestore, type Timestamp } from "firebase-admin/firestore";
import pLimit from "p-limit";
import { startLocalPlatform } from "../platform/local-platform.ts";
import { startVertexServer } from "../vertex/vertex-server.ts";
import { fireInWorker, type GroupOutcome } from "./herd-callers.ts";
import { percentile, round } from "./stats.ts";

export interface HerdOptions {
  users: number;
  rate: number;
  /** Processes per public function behind the gateway; default 3. */
  instances?: number;
  /** One Pro user firing this many requests together with the herd (the fairness case). */
  hog?: number;
  /** Stop waiting for stragglers after this many seconds past N/R. */
  graceSeconds?: number;
  /** Receives every line the platform's processes write (function logs, emulators). */
  platformLog?: (source: string, line: string) => void;
  log?: (line: string) => void;
}

export interface HerdSide {
  admitted: number;
  /** Users whose very first request was admitted (no retry needed). */
  firstAttemptAdmitted: number;
  /** Every non-2xx answer any attempt received, by the error body's code (NETWORK_ERROR: no answer). */
  refusals: Record<string, number>;
  completed: number;
  failed: number;
  lost: number;
  model429: number;
  makespanSeconds: number;
  limitSeconds: number;
  p50Seconds: number;
  p95Seconds: number;
}

export interface HogSide {
  requests: number;
  admitted: number;
  completed: number;
  /** How the requests that were not admitted ended, by code. */
  refused: Record<string, number>;
}

export interface HerdResult {
  users: number;
  rate: number;
  instances: number;
  /** The herd's own users (the hog's requests are counted apart). */
  backend: HerdSide;
  baseline: HerdSide;
  hog?: HogSide;
}

const PROMPT = (i: number) => `product shot number ${i} of a ceramic mug on a wooden table`;
const HOG_UID = "herd-hog";

export async function runHerd(options: HerdOptions): Promise<HerdResult> {
  const log = options.log ?? (() => {});
  const { users, rate } = options;
  const instances = options.instances ?? 3;
  const limitSeconds = users / rate;
  // The model's quota has the queue's rate AND burst: what "provisioned at the queue's rate" means.
  const burst = queueBurst(rate);
  const baseline = await runBaseline(users, rate, burst, limitSeconds);
  log(`baseline done: ${baseline.completed}/${users} completed, ${baseline.model429} model 429s`);
  const { backend, hog } = await runBackend({ ...options, instances }, burst, limitSeconds, log);
  return { users, rate, instances, backend, baseline, ...(hog ? { hog } : {}) };
}

/** Every user calls the model directly at the same moment; a 429 is a failed generation. */
async function runBaseline(users: number, rate: number, burst: number, limitSeconds: number): Promise<HerdSide> {
  const vertex = await startVertexServer({ quotaPerSecond: rate, quotaBurst: burst });
  try {
    const genai = createGenAi({ project: "demo-genai-platform", location: "global", baseUrl: vertex.url });
    const start = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: users }, async (_, i) => {
        try {
          await genai.models.generateContent({
            model: MODELS.image,
            contents: PROMPT(i),
            config: { responseModalities: ["IMAGE"] },
          });
          return { ok: true, seconds: (performance.now() - start) / 1000 };
        } catch {
          return { ok: false, seconds: (performance.now() - start) / 1000 };
        }
      }),
    );
    const done = outcomes.filter((o) => o.ok).map((o) => o.seconds);
    const stats = vertex.stats();
    return {
      admitted: users,
      firstAttemptAdmitted: users,
      refusals: stats.rejected429 > 0 ? { MODEL_429: stats.rejected429 } : {},
      completed: done.length,
      failed: users - done.length,
      lost: 0,
      model429: stats.rejected429,
      makespanSeconds: round(Math.max(...outcomes.map((o) => o.seconds))),
      limitSeconds: round(limitSeconds),
      p50Seconds: round(percentile(done, 50)),
      p95Seconds: round(percentile(done, 95)),
    };
  } finally {
    await vertex.stop();
  }
}

async function runBackend(
  options: HerdOptions & { instances: number },
  burst: number,
  limitSeconds: number,
  log: (line: string) => void,
): Promise<{ backend: HerdSide; hog?: HogSide }> {
  const { users, rate, instances } = options;
  const local = await startLocalPlatform({
    rates: { "image-jobs": rate },
    vertexQuotaPerSecond: rate,
    vertexQuotaBurst: burst,
    instances,
    ...(options.platformLog ? { log: options.platformLog } : {}),
  });
  process.env.FIRESTORE_EMULATOR_HOST = local.firestoreHost;
  const db = getFirestore(initializeApp({ projectId: local.projectId }, `herd-${Date.now()}`));
  try {
    log(`local platform up at ${local.url} (${instances} processes per public function); signing in ${users} users…`);
    // Sign-ins are not part of the herd: 25 at a time keeps the Auth emulator responsive.
    const signIn = pLimit(25);
    const tokens = await Promise.all(
      Array.from({ length: users }, (_, i) => signIn(() => local.idToken(`herd-user-${i}`))),
    );
    const hogToken = options.hog ? await local.idToken(HOG_UID) : undefined;
    if (options.hog) await db.doc(`users/${HOG_UID}`).set({ tier: "pro" }, { merge: true });

    log(
      `firing ${users} generateImage requests at once${options.hog ? ` plus ${options.hog} from one Pro user` : ""} (queue and model quota: ${rate}/s)…`,
    );
    // This process hosts the gateway and the Cloud Tasks and Vertex stand-ins (the callers run in a
    // worker thread): its event-loop delay says how much of a slow run is the bench's own doing.
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const fired = await fireInWorker(local.url, [
      ...(hogToken
        ? [
            {
              name: "hog",
              callers: Array.from({ length: options.hog ?? 0 }, (_, i) => ({
                token: hogToken,
                prompt: `${PROMPT(i)} (hog)`,
              })),
            },
          ]
        : []),
      { name: "herd", callers: tokens.map((token, i) => ({ token, prompt: PROMPT(i) })) },
    ]);
    const start = fired.firedAt;
    const herdOutcome = fired.groups.herd as GroupOutcome;
    const herd = herdOutcome.answers;
    const hogged = fired.groups.hog?.answers ?? [];
    const jobIds = herd.flatMap((a) => (a.jobId ? [a.jobId] : []));
    const hogJobIds = hogged.flatMap((a) => (a.jobId ? [a.jobId] : []));
    log(
      `admitted ${jobIds.length}/${users}${hogToken ? ` and ${hogJobIds.length}/${options.hog} of the hog's` : ""} in ${((Date.now() - start) / 1000).toFixed(1)} s; waiting for the queue…`,
    );

    log(`  first admission answered after ${((herdOutcome.firstAdmittedMs ?? 0) / 1000).toFixed(1)} s`);
    for (const [cause, n] of Object.entries(herdOutcome.causes).sort((a, b) => b[1] - a[1]))
      log(`  refused ${n}× ${cause}`);

    const tracked = [...jobIds, ...hogJobIds];
    const deadline = start + ((limitSeconds + tracked.length / rate) * 2 + (options.graceSeconds ?? 60)) * 1000;
    const seen = await terminalJobs(db, tracked, deadline);
    const { terminal } = seen;
    loopDelay.disable();
    const ms = (ns: number) => (ns / 1e6).toFixed(0);
    log(
      `  bench process event-loop delay: p50 ${ms(loopDelay.percentile(50))} ms, p99 ${ms(loopDelay.percentile(99))} ms, max ${ms(loopDelay.max)} ms`,
    );
    const finished = jobIds.flatMap((id) => {
      const job = terminal.get(id);
      return job ? [{ ...job, seconds: (job.finishedMs - start) / 1000 }] : [];
    });
    const completed = finished.filter((j) => j.status === "succeeded");
    if (finished.length < jobIds.length) log(`  not finished: ${unfinishedSummary(jobIds, seen)}`);
    const backend: HerdSide = {
      admitted: jobIds.length,
      firstAttemptAdmitted: herdOutcome.admittedFirst,
      refusals: herdOutcome.refusals,
      completed: completed.length,
      failed: finished.length - completed.length,
      lost: jobIds.length - finished.length,
      model429: local.vertex?.stats().rejected429 ?? 0,
      makespanSeconds: round(Math.max(0, ...finished.map((j) => j.seconds))),
      limitSeconds: round(limitSeconds),
      p50Seconds: round(
        percentile(
          completed.map((j) => j.seconds),
          50,
        ),
      ),
      p95Seconds: round(
        percentile(
          completed.map((j) => j.seconds),
          95,
        ),
      ),
    };
    if (!options.hog) return { backend };
    const refused: Record<string, number> = {};
    for (const a of hogged) if (a.code) refused[a.code] = (refused[a.code] ?? 0) + 1;
    const hog: HogSide = {
      requests: options.hog,
      admitted: hogJobIds.length,
      completed: hogJobIds.filter((id) => terminal.get(id)?.status === "succeeded").length,
      refused,
    };
    return { backend, hog };
  } finally {
    await db.terminate();
    await local.stop();
  }
}

/** The jobs that never reached a terminal status as last seen, by status and attempts ("12 running after 2 attempts"). */
function unfinishedSummary(jobIds: string[], seen: Looked): string {
  const counts = new Map<string, number>();
  for (const id of jobIds) {
    if (seen.terminal.has(id)) continue;
    const key = seen.unfinished.get(id) ?? "missing after 0 attempts";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${n} ${key}`).join(", ");
}

interface Looked {
  /** When each terminal job ended, and how. */
  terminal: Map<string, { status: string; finishedMs: number }>;
  /** The others at the last look, as "running after 2 attempts". */
  unfinished: Map<string, string>;
}

/**
 * Waits until every tracked job is terminal (or the deadline passes) and answers when each ended
 * (its `updatedAt`, so how often this looks does not change the figures). Each look reads only the
 * jobs still pending, every few seconds: a listener on the emulator, or re-reading every finished
 * job each second, loads the store the herd is measuring. Only the tracked ids count: a job failed
 * at enqueue and replaced by the client's retry is terminal too, but it is not the user's answer.
 */
async function terminalJobs(db: Firestore, tracked: string[], deadline: number): Promise<Looked> {
  const terminal = new Map<string, { status: string; finishedMs: number }>();
  const unfinished = new Map<string, string>();
  let pending = tracked;
  while (pending.length > 0) {
    unfinished.clear();
    const snaps = await db.getAll(...pending.map((id) => db.doc(`jobs/${id}`)));
    for (const d of snaps) {
      const status = d.get("status") as string | undefined;
      if (status === "succeeded" || status === "failed") {
        terminal.set(d.id, { status, finishedMs: (d.get("updatedAt") as Timestamp).toMillis() });
      } else {
        unfinished.set(d.id, `${status ?? "missing"} after ${d.get("attempts") ?? 0} attempts`);
      }
    }
    pending = pending.filter((id) => !terminal.has(id));
    if (pending.length === 0 || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { terminal, unfinished };
}

/** How often the herd looks at its pending jobs. */
const POLL_MS = 3_000;

/** The burst the local dispatcher uses for the image queue at `rate` (the definition's burst/rate ratio). */
function queueBurst(rate: number): number {
  const queue = platform.queues.find((q) => q.name === "image-jobs");
  const ratio = queue ? queue.maxBurstSize / queue.maxDispatchesPerSecond : 1;
  return Math.max(1, Math.round(rate * ratio));
}

/** Default rate: N/60 per second, so the backend side takes about a minute; capped by the queue's definition. */
export function defaultRate(users: number): number {
  const max = platform.queues.find((q) => q.name === "image-jobs")?.maxDispatchesPerSecond ?? 50;
  return Math.min(max, Math.max(1, Math.round((users / 60) * 10) / 10));
}
