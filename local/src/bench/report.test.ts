import { describe, expect, it } from "vitest";
import type { ColdStartResult, ColdStartRow } from "./coldstart.ts";
import type { HerdResult } from "./herd.ts";
import {
  codes,
  coldStartGoals,
  fairnessGoals,
  herdGoals,
  renderColdStart,
  renderFairness,
  renderHerd,
} from "./report.ts";

const herd: HerdResult = {
  users: 1000,
  rate: 16.7,
  instances: 3,
  backend: {
    admitted: 1000,
    firstAttemptAdmitted: 998,
    refusals: { UNAVAILABLE: 2 },
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
    firstAttemptAdmitted: 1000,
    refusals: { MODEL_429: 963 },
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

const row = (r: Omit<ColdStartRow, "helloMs" | "ratio" | "listenRatio">): ColdStartRow => ({
  ...r,
  helloMs: 114,
  ratio: Math.round((100 * r.ms) / 114) / 100,
  listenRatio: Math.round((100 * r.listenMs) / 80) / 100,
});

const coldStart: ColdStartResult = {
  runs: 7,
  helloMs: 114,
  helloListenMs: 80,
  rows: [
    row({
      function: "getJob",
      shape: "previous",
      compileCache: false,
      bundleKiB: 2050,
      totalKiB: 2050,
      ms: 420,
      listenMs: 300,
    }),
    row({
      function: "getJob",
      shape: "current",
      compileCache: false,
      bundleKiB: 60,
      totalKiB: 1800,
      ms: 330,
      listenMs: 200,
    }),
    row({
      function: "getJob",
      shape: "current",
      compileCache: true,
      bundleKiB: 60,
      totalKiB: 1800,
      ms: 270,
      listenMs: 150,
    }),
    row({
      function: "creativeDirectorAgent",
      shape: "previous",
      compileCache: false,
      bundleKiB: 6934,
      totalKiB: 6934,
      ms: 809,
      listenMs: 444,
    }),
    row({
      function: "creativeDirectorAgent",
      shape: "current",
      compileCache: false,
      bundleKiB: 37,
      totalKiB: 7000,
      ms: 560,
      listenMs: 240,
    }),
    row({
      function: "creativeDirectorAgent",
      shape: "current",
      compileCache: true,
      bundleKiB: 37,
      totalKiB: 7000,
      ms: 500,
      listenMs: 200,
    }),
  ],
};
const rows = coldStart.rows;

describe("benchmark reports", () => {
  it("name each herd goal with its target, the measured value and whether it is met", () => {
    expect(renderHerd(herd, herdGoals(herd))).toMatchSnapshot();
  });

  it("call a goal not met when the makespan drifts past 1.10 × N/R", () => {
    const slow = { ...herd, backend: { ...herd.backend, makespanSeconds: 70 } };
    expect(herdGoals(slow).find((g) => g.figure === "backend.makespanSeconds")?.met).toBe(false);
  });

  it("judge each of several consecutive runs on its own", () => {
    const second = { ...herd, backend: { ...herd.backend, admitted: 999, lost: 0 } };
    const goals = [...herdGoals(herd, 1.1, 1), ...herdGoals(second, 1.1, 2)];
    expect(goals.filter((g) => !g.met).map((g) => g.goal)).toEqual(["run 2: every user's request is admitted"]);
    expect(goals[4]?.figure).toBe("runs[1].backend.admitted");
  });

  it("list refusals by code, sorted, and say none when there were none", () => {
    expect(codes({ UNAVAILABLE: 1, QUOTA_EXCEEDED: 3 })).toBe("QUOTA_EXCEEDED 3, UNAVAILABLE 1");
    expect(codes({})).toBe("none");
  });

  it("judge fairness by the free users' p95 beside the heavy user against their p95 alone", () => {
    const hogged = {
      ...herd,
      backend: { ...herd.backend, p95Seconds: 72.9 },
      hog: { requests: 300, admitted: 60, completed: 60, refused: { RATE_LIMITED: 240 } },
    };
    const goals = fairnessGoals({ alone: herd, withHog: hogged });
    expect(goals.map((g) => g.met)).toEqual([true, true]);
    expect(
      fairnessGoals({ alone: herd, withHog: { ...hogged, backend: { ...hogged.backend, p95Seconds: 80 } } })[0]?.met,
    ).toBe(false);
    expect(renderFairness({ alone: herd, withHog: hogged }, goals)).toMatchSnapshot();
  });

  it("judge the deployed shape's cold starts against 2.5 × hello-world, the agent's against 4 ×", () => {
    const goals = coldStartGoals(rows);
    // Only the current shape as its build leaves it (with the compile cache) is judged: 270 ms is
    // 2.37 × (met), the agent's 500 ms is 4.39 × (not met).
    expect(goals.map((g) => [g.figure, g.met])).toEqual([
      ["rows[2].ratio", true],
      ["rows[5].ratio", false],
    ]);
    expect(coldStartGoals([{ ...rows[5]!, ms: 450, ratio: 3.95 }]).map((g) => g.met)).toEqual([true]);
    expect(coldStartGoals([rows[1]!, rows[4]!])).toEqual([]);
  });

  it("show every shape of every deployable side by side, with the change against the previous one", () => {
    expect(renderColdStart(coldStart, coldStartGoals(rows))).toMatchSnapshot();
  });
});
