// The fault matrix's scenarios: each admits a few image jobs through the gateway and injects one
// fault at the moment it matters, with the platform's real parts (processes killed by signal, the
// Firestore emulator stopped and started, the stand-ins' scripted failures). The matrix then waits
// for the jobs to settle and audits them (job-audit.ts).
import { MODELS } from "@genai-platform/definition";
import type { Firestore } from "firebase-admin/firestore";
import type { LocalPlatform } from "../platform/local-platform.ts";
import type { VertexServer } from "../vertex/vertex-server.ts";
import type { TrackedUser } from "./job-audit.ts";
import type { SweeperAt } from "./sweep-at.ts";

export interface ScenarioContext {
  local: LocalPlatform;
  vertex: VertexServer;
  db: Firestore;
  sweeper: SweeperAt;
  /** The scenario's users, one job each; their prompts name their model calls. */
  users: TrackedUser[];
  /** Fires every user's generateImage at once; resolves to the HTTP statuses. */
  admit(): Promise<number[]>;
  /** Resolves once the user's job is `succeeded`, to the time it was seen so. */
  succeededAt(user: TrackedUser, timeoutMs?: number): Promise<number>;
  log(line: string): void;
  /** A figure worth reporting beside the row (e.g. a recovery time). */
  note(text: string): void;
}

export interface Scenario {
  name: string;
  /** Jobs (one per user) it admits. */
  jobs: number;
  /** What the row shows, in a few words. */
  description: string;
  run(ctx: ScenarioContext): Promise<void>;
}

const IMAGE_QUEUE = "image-jobs";
/** Longer than any model call here: the killed call is still waiting when its worker dies. */
const SLOW_CALL_MS = 60_000;

export const baseline: Scenario = {
  name: "baseline",
  jobs: 6,
  description: "no fault",
  run: async (ctx) => {
    await ctx.admit();
  },
};

export const workerKilled: Scenario = {
  name: "worker SIGKILLed mid-job",
  jobs: 3,
  description: "imageWorker's process group SIGKILLed while one job's model call is in flight, then restarted",
  run: async (ctx) => {
    const [victim] = ctx.users;
    if (!victim) return;
    ctx.vertex.faults.push({ model: MODELS.image, promptIncludes: victim.prompt, delayMs: SLOW_CALL_MS });
    await ctx.admit();
    // In flight: the stand-in has received the victim's call and not answered it.
    await ctx.vertex.calls.waitFor((call) => call.subject.includes(victim.prompt));
    const killedAt = Date.now();
    await ctx.local.functions.get("imageWorker")?.kill();
    ctx.log("imageWorker SIGKILLed with a model call in flight; restarting it");
    await ctx.local.restartFunction("imageWorker");
    const recovered = await ctx.succeededAt(victim);
    ctx.note(`recovery ${((recovered - killedAt) / 1000).toFixed(1)} s (kill → succeeded)`);
  },
};

export const duplicateDelivery: Scenario = {
  name: "duplicate delivery",
  jobs: 4,
  description: "every task delivered twice at once, with the same headers",
  run: async (ctx) => {
    ctx.local.tasks.faults.push({ queue: IMAGE_QUEUE, duplicate: true, times: ctx.users.length });
    await ctx.admit();
  },
};

export const vertexBursts: Scenario = {
  name: "Vertex 5xx/429 bursts",
  jobs: 4,
  description: "the model answers 503 three times, then 429 three times, then normally",
  run: async (ctx) => {
    ctx.vertex.faults.push(
      { model: MODELS.image, status: 503, times: 3 },
      { model: MODELS.image, status: 429, times: 3 },
    );
    await ctx.admit();
  },
};

export const enqueueFailures: Scenario = {
  name: "enqueue fails after commit",
  jobs: 4,
  description: "CreateTask answers 503 twice, then twice more after storing the task (answer lost)",
  run: async (ctx) => {
    ctx.local.tasks.faults.push(
      { queue: IMAGE_QUEUE, createStatus: 503, times: 2 },
      { queue: IMAGE_QUEUE, createStatus: 503, afterCreate: true, times: 2 },
    );
    await ctx.admit();
  },
};

export const firestoreRestarted: Scenario = {
  name: "Firestore restarted",
  jobs: 8,
  description: "the emulator stopped (SIGKILL) once the first model call is in flight, down 2 s, started with its data",
  run: async (ctx) => {
    const admitted = ctx.admit();
    await ctx.vertex.calls.waitFor((call) => ctx.users.some((u) => call.subject.includes(u.prompt)));
    const stoppedAt = Date.now();
    await ctx.local.restartFirestore({ downMs: 2_000 });
    ctx.note(`Firestore away ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s`);
    await admitted;
  },
};

export const workerDownWholeWindow: Scenario = {
  name: "worker down for the retry window (swept)",
  jobs: 3,
  description:
    "imageWorker down throughout; its tasks run out of attempts; the sweeper, run with a clock past the deadline, requeues and then fails and refunds",
  run: async (ctx) => {
    const worker = ctx.local.functions.get("imageWorker");
    if (!worker) throw new Error("imageWorker is not hosted");
    await worker.kill();
    try {
      await ctx.admit();
      // Each task's attempts fail (nothing listens); the queue's window is then spent: Cloud Tasks
      // deletes a task that ran out of attempts, which is what this stands for.
      await exhaustTasks(ctx.local);
      const first = Date.now() + (ctx.sweeper.deadlineSeconds.image + 60) * 1000;
      const requeued = await ctx.sweeper.sweep(first);
      await exhaustTasks(ctx.local);
      const second = first + (ctx.sweeper.deadlineSeconds.image + 60) * 1000;
      const failed = await ctx.sweeper.sweep(second);
      ctx.note(`sweeps: requeued ${requeued.requeued}, then failed ${failed.failed}`);
    } finally {
      await ctx.local.restartFunction("imageWorker");
    }
  },
};

/** Waits until every pending image task was attempted once, then deletes it, as exhaustion does. */
async function exhaustTasks(local: LocalPlatform): Promise<void> {
  const queue = `projects/${local.projectId}/locations/us-central1/queues/${IMAGE_QUEUE}`;
  for (;;) {
    const list = (await (await fetch(`${local.tasks.url}/v2/${queue}/tasks?responseView=FULL`)).json()) as {
      tasks?: Array<{ name: string; dispatchCount?: number }>;
    };
    const tasks = list.tasks ?? [];
    if (tasks.length > 0 && tasks.every((t) => (t.dispatchCount ?? 0) >= 1)) {
      for (const task of tasks) await fetch(`${local.tasks.url}/v2/${task.name}`, { method: "DELETE" });
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const ALL_SCENARIOS: readonly Scenario[] = [
  baseline,
  workerKilled,
  duplicateDelivery,
  vertexBursts,
  enqueueFailures,
  firestoreRestarted,
  workerDownWholeWindow,
];

/** The CI variant: quick scenarios that still exercise a restart, a duplicate and the model's errors. */
export const FAST_SCENARIOS: readonly Scenario[] = [baseline, duplicateDelivery, vertexBursts];
