import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./backoff.ts";

describe("Cloud Tasks retry backoff", () => {
  it("follows the documented schedule: doubles maxDoublings times, then linear, then capped", () => {
    const retry = { maxAttempts: 10, minBackoff: "10s", maxBackoff: "300s", maxDoublings: 3 };
    const delays = Array.from({ length: 8 }, (_, i) => retryDelayMs(retry, i + 1) / 1000);
    expect(delays).toEqual([10, 20, 40, 80, 160, 240, 300, 300]);
  });

  it("never doubles when maxDoublings is zero", () => {
    const retry = { maxAttempts: 5, minBackoff: "2s", maxBackoff: "5s", maxDoublings: 0 };
    expect([1, 2, 3, 4].map((n) => retryDelayMs(retry, n))).toEqual([2000, 4000, 5000, 5000]);
  });
});
