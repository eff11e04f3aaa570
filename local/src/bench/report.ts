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

/** The herd's goals: every user served, nothing lost, in about the time the model's rate allows. */
export function herdGoals(result: HerdResult, maxRatio = 1.1): Goal[] {
  const b = result.backend;
  const spread = b.makespanSeconds / b.limitSeconds;
  return [
    {
      goal: "every user's request completes",
      figure: "backend.completed",
      target: `${result.users} of ${result.users}`,
      measured: `${b.completed} of ${result.users}`,
      met: b.completed === result.users,
    },
    { goal: "no request is lost", figure: "backend.lost", target: "0", measured: String(b.lost), met: b.lost === 0 },
    {
      goal: "makespan close to the physical limit N/R",
      figure: "backend.makespanSeconds",
      target: `≤ ${ratio(maxRatio)} N/R (${seconds(maxRatio * b.limitSeconds)})`,
      measured: `${ratio(spread)} N/R (${seconds(b.makespanSeconds)})`,
      met: spread <= maxRatio,
    },
  ];
}

export function renderHerd(result: HerdResult, goals: readonly Goal[]): string {
  const row = (name: string, s: HerdSide) => [
    name,
    s.admitted,
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
    `thundering herd: ${result.users} users, queue rate = model quota = ${result.rate}/s (limit N/R = ${seconds(result.users / result.rate)})`,
    "",
    table(
      ["", "admitted", "completed", "failed", "lost", "model 429s", "makespan", "limit N/R", "p50", "p95"],
      [row("backend", result.backend), row("baseline (direct)", result.baseline)],
    ),
    "",
    `baseline (direct calls): ${percent((100 * result.baseline.completed) / result.users)} completed, ${result.baseline.model429} model 429s`,
    "",
    renderGoals(goals),
  ].join("\n");
}

/**
 * Cold start goals, on the deployed (current) shape only: each deployable's first real answer within
 * 2.5 × a hello-world process, the agent (Mastra and two model SDKs) within 4 ×.
 */
export const COLD_START_TARGETS: Readonly<Record<string, number>> = { default: 2.5, creativeDirectorAgent: 4 };

export function coldStartGoals(rows: readonly ColdStartRow[], targets = COLD_START_TARGETS): Goal[] {
  return rows.flatMap((r, i) => {
    if (r.shape !== "current") return [];
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
    "previous = one file, no code splitting, Cloud Tasks through @google-cloud/tasks; current = what deploys",
    "",
    table(
      ["function", "shape", "index.js", "all JS", "listening", "× hello", "first 2xx", "× hello", "vs previous"],
      rows.map((r) => [
        r.function,
        r.shape,
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
