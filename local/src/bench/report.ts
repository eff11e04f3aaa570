// How the benchmarks report: every figure in one unit system (seconds, megabytes, percent) with one
// number format, and each goal named with its target, the measured value and whether it is met.
// The JSON carries the same goals next to the figures they judge.
import type { ColdStartResult, ColdStartRow } from "./coldstart.ts";
import type { HerdResult, HerdSide } from "./herd.ts";
import { table } from "./stats.ts";

export interface Goal {
  /** What is judged, in words. */
  goal: string;
  /** The figure it reads, as a path into the JSON report. */
  figure: string;
  target: string;
  measured: string;
  met: boolean;
}

/** Seconds with two decimals, everywhere: `63.75 s`, `0.34 s`. */
export const seconds = (s: number) => `${s.toFixed(2)} s`;
export const megabytes = (bytes: number, digits = 1) => `${(bytes / 1e6).toFixed(digits)} MB`;
export const ratio = (r: number) => `${r.toFixed(2)} ×`;
export const percent = (p: number) => `${p.toFixed(1)} %`;

/**
 * The herd's goals: every user admitted and served, nothing lost, in about the time the model's
 * rate allows. `run` prefixes each goal when several consecutive runs are judged.
 */
export function herdGoals(result: HerdResult, maxRatio = 1.1, run?: number): Goal[] {
  const b = result.backend;
  const spread = b.makespanSeconds / b.limitSeconds;
  const prefix = run === undefined ? "" : `run ${run}: `;
  const figure = (path: string) => (run === undefined ? path : `runs[${run - 1}].${path}`);
  return [
    {
      goal: `${prefix}every user's request is admitted`,
      figure: figure("backend.admitted"),
      target: `${result.users} of ${result.users}`,
      measured: `${b.admitted} of ${result.users}`,
      met: b.admitted === result.users,
    },
    {
      goal: `${prefix}every user's request completes`,
      figure: figure("backend.completed"),
      target: `${result.users} of ${result.users}`,
      measured: `${b.completed} of ${result.users}`,
      met: b.completed === result.users,
    },
    {
      goal: `${prefix}no request is lost`,
      figure: figure("backend.lost"),
      target: "0",
      measured: String(b.lost),
      met: b.lost === 0,
    },
    {
      goal: `${prefix}makespan close to the physical limit N/R`,
      figure: figure("backend.makespanSeconds"),
      target: `≤ ${ratio(maxRatio)} N/R (${seconds(maxRatio * b.limitSeconds)})`,
      measured: `${ratio(spread)} N/R (${seconds(b.makespanSeconds)})`,
      met: spread <= maxRatio,
    },
  ];
}

/** `{ QUOTA_EXCEEDED: 3, UNAVAILABLE: 1 }` → `QUOTA_EXCEEDED 3, UNAVAILABLE 1`; `none` when empty. */
export function codes(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "none" : entries.map(([code, n]) => `${code} ${n}`).join(", ");
}

export function renderHerd(result: HerdResult, goals: readonly Goal[]): string {
  const row = (name: string, s: HerdSide) => [
    name,
    s.admitted,
    s.firstAttemptAdmitted,
    s.completed,
    s.failed,
    s.lost,
    s.model429,
    seconds(s.makespanSeconds),
    seconds(s.limitSeconds),
    seconds(s.p50Seconds),
    seconds(s.p95Seconds),
  ];
  return [
    `thundering herd: ${result.users} users through the typed client, ${result.instances} processes per public function, queue rate = model quota = ${result.rate}/s (limit N/R = ${seconds(result.users / result.rate)})`,
    "",
    table(
      ["", "admitted", "first try", "completed", "failed", "lost", "model 429s", "makespan", "limit N/R", "p50", "p95"],
      [row("backend", result.backend), row("baseline (direct)", result.baseline)],
    ),
    "",
    `answers refused on the way (every attempt, by code): ${codes(result.backend.refusals)}`,
    `baseline (direct calls): ${percent((100 * result.baseline.completed) / result.users)} completed, ${result.baseline.model429} model 429s`,
    ...(goals.length > 0 ? ["", renderGoals(goals)] : []),
  ].join("\n");
}

/** The fairness case: the herd's latency alone and beside one heavy Pro user, in the same run. */
export interface FairnessResult {
  alone: HerdResult;
  withHog: HerdResult;
}

/** Goal: the heavy user moves the herd's p95 by at most `maxRatio`. */
export function fairnessGoals(result: FairnessResult, maxRatio = 1.25): Goal[] {
  const p95 = result.withHog.backend.p95Seconds / result.alone.backend.p95Seconds;
  return [
    {
      goal: "free users' p95 beside one heavy Pro user",
      figure: "withHog.backend.p95Seconds",
      target: `≤ ${ratio(maxRatio)} their p95 alone`,
      measured: `${ratio(p95)} (${seconds(result.withHog.backend.p95Seconds)} vs ${seconds(result.alone.backend.p95Seconds)})`,
      met: p95 <= maxRatio,
    },
    {
      goal: "no free user's request is lost beside the heavy user",
      figure: "withHog.backend.lost",
      target: "0",
      measured: String(result.withHog.backend.lost),
      met: result.withHog.backend.lost === 0 && result.withHog.backend.completed === result.withHog.users,
    },
  ];
}

export function renderFairness(result: FairnessResult, goals: readonly Goal[]): string {
  const { alone, withHog } = result;
  const hog = withHog.hog;
  const row = (name: string, r: HerdResult) => [
    name,
    r.backend.completed,
    seconds(r.backend.p50Seconds),
    seconds(r.backend.p95Seconds),
    seconds(r.backend.makespanSeconds),
  ];
  return [
    `fairness: ${alone.users} free users, then the same beside one Pro user firing ${hog?.requests ?? 0} requests at once (queue rate ${alone.rate}/s)`,
    "",
    table(
      ["free users", "completed", "p50", "p95", "makespan"],
      [row("alone", alone), row("beside the Pro user", withHog)],
    ),
    "",
    hog
      ? `the Pro user: ${hog.admitted} of ${hog.requests} admitted, ${hog.completed} completed; not admitted: ${codes(hog.refused)}`
      : "",
    "",
    renderGoals(goals),
  ].join("\n");
}

/**
 * Cold start goals, on the deployed shape as its build leaves it (current, with the compile cache its
 * gcp-build step writes) only: each deployable's first real answer within
 * 2.5 × a hello-world process, the agent (Mastra and two model SDKs) within 4 ×.
 */
export const COLD_START_TARGETS: Readonly<Record<string, number>> = { default: 2.5, creativeDirectorAgent: 4 };

export function coldStartGoals(rows: readonly ColdStartRow[], targets = COLD_START_TARGETS): Goal[] {
  return rows.flatMap((r, i) => {
    if (r.shape !== "current" || !r.compileCache) return [];
    const maxRatio = targets[r.function] ?? targets.default ?? 2.5;
    return [
      {
        goal: `${r.function} cold start (spawn → first real 2xx)`,
        figure: `rows[${i}].ratio`,
        target: `≤ ${ratio(maxRatio)} hello-world`,
        measured: `${ratio(r.ratio)} (${seconds(r.ms / 1000)} vs ${seconds(r.helloMs / 1000)})`,
        met: r.ratio <= maxRatio,
      },
    ];
  });
}

export function renderColdStart(result: ColdStartResult, goals: readonly Goal[]): string {
  const { rows, runs } = result;
  const previous = new Map(rows.filter((r) => r.shape === "previous").map((r) => [r.function, r]));
  const change = (r: ColdStartRow) => {
    const before = previous.get(r.function);
    return r.shape === "current" && before ? percent((100 * (r.ms - before.ms)) / before.ms) : "";
  };
  return [
    `cold start: spawn → listening and → first real 2xx, median of ${runs} interleaved runs, beside a hello-world ` +
      `functions-framework process (listening ${seconds(result.helloListenMs / 1000)}, first 2xx ${seconds(result.helloMs / 1000)})`,
    "previous = one file, no code splitting, Cloud Tasks through @google-cloud/tasks; current = what deploys, " +
      "started with the compile cache its gcp-build step writes and, as `no cache`, without it (a build whose Node " +
      "or directory differs from the runtime's)",
    "",
    table(
      ["function", "shape", "index.js", "all JS", "listening", "× hello", "first 2xx", "× hello", "vs previous"],
      rows.map((r) => [
        r.function,
        shapeLabel(r),
        megabytes(r.bundleKiB * 1024, 2),
        megabytes(r.totalKiB * 1024, 2),
        seconds(r.listenMs / 1000),
        ratio(r.listenRatio),
        seconds(r.ms / 1000),
        ratio(r.ratio),
        change(r),
      ]),
    ),
    "",
    renderGoals(goals),
  ].join("\n");
}

const shapeLabel = (r: ColdStartRow) => (r.shape === "current" && !r.compileCache ? "current, no cache" : r.shape);

export function renderGoals(goals: readonly Goal[]): string {
  const met = goals.filter((g) => g.met).length;
  return [
    `Goals: ${met} of ${goals.length} met`,
    table(
      ["goal", "target", "measured", "met"],
      goals.map((g) => [g.goal, g.target, g.measured, g.met ? "yes" : "NO"]),
    ),
  ].join("\n");
}
