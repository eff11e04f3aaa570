// The capacity table a reviewer reads beside the plan: per queue its rate and how long a herd takes
// to drain, per worker the instances x concurrency Little's law asks for at that rate, and each
// model's per-minute quota against what its queues may dispatch. All from the definition.
import {
  capacityOf,
  type DeepReadonly,
  drainSeconds,
  type ModelChoices,
  type PlatformDefinition,
} from "@genai-platform/definition";
import { table } from "@genai-platform/policies/table.ts";

export interface Herd {
  /** Distinct users, one task each on every queue. */
  users: number;
  /** Seconds over which they arrive. */
  peakSeconds: number;
}

const round = (n: number) => String(Math.round(n * 100) / 100);

/** `90` -> `1m 30s`, `20010` -> `5h 33m`, `3600` -> `1h`: the two largest units, a zero second dropped. */
export function duration(seconds: number): string {
  const units = [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const;
  const total = Math.round(seconds);
  const first = units.findIndex(([, size]) => total >= size);
  if (first === -1) return "0s";
  const [unit, size] = units[first]!;
  const whole = Math.floor(total / size);
  const next = units[first + 1];
  const rest = next ? Math.floor((total - whole * size) / next[1]) : 0;
  return next && rest > 0 ? `${whole}${unit} ${rest}${next[0]}` : `${whole}${unit}`;
}

export function renderCapacity(
  platform: DeepReadonly<Pick<PlatformDefinition, "functions" | "queues" | "models">>,
  choices: DeepReadonly<ModelChoices>,
  herd: Herd,
): string {
  const { queues, workers, models } = capacityOf(platform, choices);
  const arrivals = herd.users / herd.peakSeconds;
  const queueRows = queues.map((q) => [
    q.name,
    q.worker,
    `${round(q.rate)}/s`,
    `${round(arrivals)}/s`,
    Math.max(0, Math.ceil(herd.users - q.burst - q.rate * herd.peakSeconds)),
    duration(drainSeconds(q, herd.users, herd.peakSeconds)),
    `${round(q.rate)} x ${round(q.latencySeconds)}s = ${round(q.inFlight)}`,
    q.maxConcurrentDispatches,
  ]);
  const workerRows = workers.map((w) => [
    w.name,
    round(w.inFlight),
    `${w.instancesNeeded} x ${w.concurrency}`,
    `${w.maxInstances} x ${w.concurrency} = ${w.slots}`,
    w.slots >= w.inFlight - 1e-9 ? "ok" : "SHORT",
  ]);
  const modelRows = models.map((m) => [
    m.kind,
    m.model,
    round(m.demandPerMinute),
    m.quotaPerMinute ?? "shared pool",
    m.quotaPerMinute === undefined ? "no per-project quota" : round(m.quotaPerMinute - m.demandPerMinute),
  ]);
  const bases = [...new Set(queues.map((q) => q.name))].flatMap((name) => {
    const kind = platform.queues.find((q) => q.name === name)?.callsModel;
    const model = kind && platform.models.find((m) => m.id === choices[kind].id);
    return model ? [`  ${model.id}: ${model.latencyBasis}`] : [];
  });
  return [
    `Capacity for ${herd.users.toLocaleString("en-US")} users arriving over ${duration(herd.peakSeconds)}, one task each per queue`,
    "(in flight = rate x latency, Little's law)",
    table(["queue", "worker", "rate", "arrivals", "backlog", "drain", "in flight", "concurrency"], queueRows),
    "",
    table(["worker", "in flight", "needed", "max instances x concurrency", "sustains"], workerRows),
    "",
    "Model quota (a minute at the queues' rates plus one burst each)",
    table(["kind", "model", "demand/min", "quota/min", "headroom/min"], modelRows),
    "",
    "Latency per dispatch",
    ...[...new Set(bases)],
  ].join("\n");
}
