// The thundering herd: N users fire one generateImage each at the same moment against the local
// platform, whose image queue and Vertex stand-in quota are both set to R per second. The same N
// requests are also sent straight to the stand-in, the way the old client-side code called Gemini
// (the baseline). Both are measured in the same run.

import { MODELS, platform } from "@genai-platform/definition";
import { createGenAi } from "@genai-platform/functions/adapters/vertex/genai-client.ts";
import { initializeApp } from "firebase-admin/app";
import { type Firestore, getFirestore, type Timestamp } from "firebase-admin/firestore";
import pLimit from "p-limit";
import { startLocalPlatform } from "../platform/local-platform.ts";
import { startVertexServer } from "../vertex/vertex-server.ts";
import { percentile, round } from "./stats.ts";

export interface HerdOptions {
  users: number;
  rate: number;
  /** Stop waiting for stragglers after this many seconds past N/R. */
  graceSeconds?: number;
  log?: (line: string) => void;
}

export interface HerdSide {
  admitted: number;
  completed: number;
  failed: number;
  lost: number;
  model429: number;
  makespanSeconds: number;
  limitSeconds: number;
  p50Seconds: number;
  p95Seconds: number;
}

export interface HerdResult {
  users: number;
  rate: number;
  backend: HerdSide;
  baseline: HerdSide;
}

const PROMPT = (i: number) => `product shot number ${i} of a ceramic mug on a wooden table`;

export async function runHerd(options: HerdOptions): Promise<HerdResult> {
  const log = options.log ?? (() => {});
  const { users, rate } = options;
  const limitSeconds = users / rate;
  // The model's quota has the queue's rate AND burst: what "provisioned at the queue's rate" means.
  const burst = queueBurst(rate);
  const baseline = await runBaseline(users, rate, burst, limitSeconds);
  log(`baseline done: ${baseline.completed}/${users} completed, ${baseline.model429} model 429s`);
  const backend = await runBackend(options, burst, limitSeconds, log);
  return { users, rate, backend, baseline };
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
  options: HerdOptions,
  burst: number,
  limitSeconds: number,
  log: (line: string) => void,
): Promise<HerdSide> {
  const { users, rate } = options;
  // Every herd user is a free-tier user with room for one image.
  const local = await startLocalPlatform({
    rates: { "image-jobs": rate },
    vertexQuotaPerSecond: rate,
    vertexQuotaBurst: burst,
  });
  process.env.FIRESTORE_EMULATOR_HOST = local.firestoreHost;
  const db = getFirestore(initializeApp({ projectId: local.projectId }, `herd-${Date.now()}`));
  try {
    log(`local platform up at ${local.url}; signing in ${users} users…`);
    // Sign-ins are not part of the herd: 25 at a time keeps the Auth emulator responsive.
    const signIn = pLimit(25);
    const tokens = await Promise.all(
      Array.from({ length: users }, (_, i) => signIn(() => local.idToken(`herd-user-${i}`))),
    );
    log(`firing ${users} generateImage requests at once (queue and model quota: ${rate}/s)…`);
    const start = Date.now();
    const answers = await Promise.all(
      tokens.map(async (token, i) => {
        try {
          const response = await fetch(`${local.url}/generateImage`, {
            method: "POST",
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body: JSON.stringify({ prompt: PROMPT(i), aspectRatio: "1:1" }),
          });
          const body = (await response.json()) as { jobId?: string };
          return response.status === 202 ? body.jobId : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    const jobIds = answers.filter((id): id is string => id !== undefined);
    log(`admitted ${jobIds.length}/${users} in ${((Date.now() - start) / 1000).toFixed(1)} s; waiting for the queue…`);

    const deadline = start + (limitSeconds * 3 + (options.graceSeconds ?? 60)) * 1000;
    let terminal = new Map<string, { status: string; finishedMs: number }>();
    while (Date.now() < deadline) {
      terminal = await terminalJobs(db);
      if (terminal.size >= jobIds.length) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const finished = jobIds.flatMap((id) => {
      const job = terminal.get(id);
      return job ? [{ ...job, seconds: (job.finishedMs - start) / 1000 }] : [];
    });
    const completed = finished.filter((j) => j.status === "succeeded");
    return {
      admitted: jobIds.length,
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
  } finally {
    await db.terminate();
    await local.stop();
  }
}

async function terminalJobs(db: Firestore) {
  const snap = await db.collection("jobs").where("status", "in", ["succeeded", "failed"]).get();
  return new Map(
    snap.docs.map((d) => [
      d.id,
      { status: d.get("status") as string, finishedMs: (d.get("updatedAt") as Timestamp).toMillis() },
    ]),
  );
}

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
