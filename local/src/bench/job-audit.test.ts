// The fault matrix's double-call count: a call is a double when it began while another call for
// the same job was still in flight, or after the job had succeeded. A call abandoned by a killed
// worker ends when its connection closed, so the takeover after it is a retry, not a double.
import { describe, expect, it } from "vitest";
import type { ModelCall } from "../vertex/call-log.ts";
import { doubleCalls } from "./job-audit.ts";

const call = (startedAt: number, endedAt?: number, outcome?: ModelCall["outcome"]): ModelCall => ({
  seq: startedAt,
  model: "gemini-3-pro-image-preview",
  method: "generateContent",
  subject: "[job 1] a mug",
  startedAt,
  ...(endedAt === undefined ? {} : { endedAt }),
  ...(outcome === undefined ? {} : { outcome }),
});

describe("counting double model calls for one job", () => {
  it.each([
    ["one call", [call(0, 10, 200)], undefined, 0],
    ["a retry after a refused call", [call(0, 5, 429), call(20, 30, 200)], undefined, 0],
    ["a takeover after an abandoned call", [call(0, 40, "abandoned"), call(70, 80, 200)], 80, 0],
    ["two calls at once", [call(0, 50, 200), call(10, 60, 200)], undefined, 1],
    ["a call after one still in flight", [call(0), call(100, 110, 200)], undefined, 1],
    ["a call after the job succeeded", [call(0, 10, 200), call(50, 60, 200)], 20, 1],
    ["three overlapping calls", [call(0, 100, 200), call(10, 20, 200), call(30, 40, 200)], undefined, 2],
  ])("%s", (_name, calls, succeededAt, doubles) => {
    expect(doubleCalls(calls, succeededAt)).toBe(doubles);
  });
});
