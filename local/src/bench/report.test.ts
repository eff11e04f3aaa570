import { describe, expect, it } from "vitest";
import type { ColdStartRow } from "./coldstart.ts";
import type { HerdResult } from "./herd.ts";
import { coldStartGoals, herdGoals, renderColdStart, renderHerd } from "./report.ts";

const herd: HerdResult = {
  users: 1000,
  rate: 16.7,
  backend: {
    admitted: 1000,
    completed: 1000,
    failed: 0,
    lost: 0,
    model429: 6,
    makespanSeconds: 63.75,
    limitSeconds: 59.88,
    p50Seconds: 33.8,
    p95Seconds: 60.74,
  },
  baseline: {
    admitted: 1000,
    completed: 37,
    failed: 963,
    lost: 0,
    model429: 963,
    makespanSeconds: 1.53,
    limitSeconds: 59.88,
    p50Seconds: 0.44,
    p95Seconds: 1.44,
  },
};

const rows: ColdStartRow[] = [
  { function: "getJob", bundleKiB: 2050, ms: 180, listenMs: 120, helloMs: 114, ratio: 1.58 },
  { function: "creativeDirectorAgent", bundleKiB: 6934, ms: 809, listenMs: 444, helloMs: 114, ratio: 7.1 },
];

describe("benchmark reports", () => {
  it("name each herd goal with its target, the measured value and whether it is met", () => {
    expect(renderHerd(herd, herdGoals(herd))).toMatchSnapshot();
  });

  it("call a goal not met when the makespan drifts past 1.10 × N/R", () => {
    const slow = { ...herd, backend: { ...herd.backend, makespanSeconds: 70 } };
    expect(herdGoals(slow).find((g) => g.figure === "backend.makespanSeconds")?.met).toBe(false);
  });

  it("judge every deployable's cold start in seconds and megabytes", () => {
    const goals = coldStartGoals(rows);
    expect(goals.map((g) => g.met)).toEqual([true, false]);
    expect(renderColdStart(rows, 7, goals)).toMatchSnapshot();
  });
});
