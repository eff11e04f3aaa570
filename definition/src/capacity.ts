// Capacity from the definition, by Little's law (in flight = rate x latency): what each queue, worker
// and model quota must hold at the queues' provisioned rates, and how long a herd takes to drain.
import type { DeepReadonly, ModelChoices, PlatformDefinition } from "./schema.ts";

type Platform = DeepReadonly<Pick<PlatformDefinition, "functions" | "queues" | "models">>;

export interface QueueCapacity {
  name: string;
  worker: string;
  rate: number;
  burst: number;
  /** Seconds one dispatch takes (the called model's `latencySeconds`; 1 s when it calls none). */
  latencySeconds: number;
  /** rate x latency: dispatches in flight at the provisioned rate. */
  inFlight: number;
  maxConcurrentDispatches: number;
}

export interface WorkerCapacity {
  name: string;
  /** Sum over the queues it drains of rate x latency. */
  inFlight: number;
  concurrency: number;
  /** ceil(inFlight / concurrency). */
  instancesNeeded: number;
  maxInstances: number;
  /** maxInstances x concurrency. */
  slots: number;
}

export interface ModelCapacity {
  kind: string;
  model: string;
  /** Requests a minute the queues calling it may dispatch: rate x 60 plus one burst each. */
  demandPerMinute: number;
  /** Per-project quota; undefined for the shared pool. */
  quotaPerMinute: number | undefined;
}

export interface Capacity {
  queues: QueueCapacity[];
  workers: WorkerCapacity[];
  models: ModelCapacity[];
}

/** Assumed duration of a dispatch that calls no model. */
const NO_MODEL_LATENCY_SECONDS = 1;

export function capacityOf(platform: Platform, choices: DeepReadonly<ModelChoices>): Capacity {
  const latencyOf = (kind: keyof ModelChoices | undefined) => {
    if (kind === undefined) return NO_MODEL_LATENCY_SECONDS;
    return platform.models.find((m) => m.id === choices[kind].id)?.latencySeconds ?? NO_MODEL_LATENCY_SECONDS;
  };
  const workerOf = (queue: string) =>
    platform.functions.find((f) => f.trigger === "task" && f.drains.includes(queue))?.name ?? "(none)";
  const queues = platform.queues.map((q) => {
    const latencySeconds = latencyOf(q.callsModel);
    return {
      name: q.name,
      worker: workerOf(q.name),
      rate: q.maxDispatchesPerSecond,
      burst: q.maxBurstSize,
      latencySeconds,
      inFlight: q.maxDispatchesPerSecond * latencySeconds,
      maxConcurrentDispatches: q.maxConcurrentDispatches,
    };
  });
  const workers = platform.functions.flatMap((f) => {
    if (f.trigger !== "task") return [];
    const inFlight = queues.filter((q) => f.drains.includes(q.name)).reduce((sum, q) => sum + q.inFlight, 0);
    return [
      {
        name: f.name,
        inFlight,
        concurrency: f.concurrency,
        instancesNeeded: Math.ceil(inFlight / f.concurrency - 1e-9),
        maxInstances: f.maxInstances,
        slots: f.maxInstances * f.concurrency,
      },
    ];
  });
  const kinds = [...new Set(platform.queues.flatMap((q) => (q.callsModel ? [q.callsModel] : [])))];
  const models = kinds.map((kind) => {
    const model = platform.models.find((m) => m.id === choices[kind].id);
    const demandPerMinute = platform.queues
      .filter((q) => q.callsModel === kind)
      .reduce((sum, q) => sum + q.maxDispatchesPerSecond * 60 + q.maxBurstSize, 0);
    return { kind, model: choices[kind].id, demandPerMinute, quotaPerMinute: model?.quota.requestsPerMinute };
  });
  return { queues, workers, models };
}

/** Seconds from the first arrival until a herd of `users` tasks, arriving over `peakSeconds`, is done. */
export function drainSeconds(queue: QueueCapacity, users: number, peakSeconds: number): number {
  // The bucket starts full: one burst goes at once, the rest at the rate; never before the last arrival.
  const dispatching = Math.max(0, users - queue.burst) / queue.rate;
  return Math.max(peakSeconds, dispatching) + queue.latencySeconds;
}

/** What the provisioned rates need and the definition does not give: one message per shortfall. */
export function capacityIssues(platform: Platform, choices: DeepReadonly<ModelChoices>): string[] {
  const { queues, workers } = capacityOf(platform, choices);
  const issues: string[] = [];
  const round = (n: number) => Math.round(n * 100) / 100;
  for (const q of queues) {
    if (q.maxConcurrentDispatches + 1e-9 < q.inFlight) {
      issues.push(
        `queues.${q.name}: maxConcurrentDispatches ${q.maxConcurrentDispatches} is below rate x latency (${q.rate}/s x ${q.latencySeconds} s = ${round(q.inFlight)} in flight)`,
      );
    }
  }
  for (const w of workers) {
    if (w.slots + 1e-9 < w.inFlight) {
      issues.push(
        `functions.${w.name}: maxInstances x concurrency (${w.maxInstances} x ${w.concurrency} = ${w.slots}) cannot sustain its queues' rate x latency (${round(w.inFlight)} in flight)`,
      );
    }
  }
  return issues;
}
