import { describe, expect, it } from "vitest";
import type { ColdStartRow } from "./coldstart.ts";
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

  it("judge every deployable's cold start in seconds and megabytes", () => {
    const goals = coldStartGoals(rows);
    expect(goals.map((g) => g.met)).toEqual([true, false]);
    expect(renderColdStart(rows, 7, goals)).toMatchSnapshot();
  });
});
