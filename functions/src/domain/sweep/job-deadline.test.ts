// The deadline derivation against Google's worked example and the definition's queues.
import { getQueue } from "@genai-platform/definition";
import { describe, expect, it } from "vitest";
import { jobDeadline, retryDelaySeconds, retryWindowSeconds } from "./job-deadline.ts";

describe("job deadlines", () => {
  it("follows Cloud Tasks' documented backoff: doublings, then linear steps, capped", () => {
    const retry = { maxAttempts: 10, minBackoff: "10s", maxBackoff: "300s", maxDoublings: 3 };
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelaySeconds(retry, n));
    expect(delays).toEqual([10, 20, 40, 80, 160, 240, 300, 300]);
  });

  it("adds every attempt and every backoff of a queue", () => {
    // image-jobs: 8 attempts; backoffs 2, 4, 8, 16, 32, 64, then 128 capped at 120.
    expect(retryWindowSeconds(getQueue("image-jobs"), 600)).toBe(8 * 600 + 246);
    // video-jobs: 6 attempts; backoffs 5, 10, 20, 40, 80.
    expect(retryWindowSeconds(getQueue("video-jobs"), 600)).toBe(6 * 600 + 155);
  });

  it("gives image jobs their queue's window plus one model call", () => {
    expect(jobDeadline("image")).toEqual({
      kind: "image",
      firstStepSeconds: 5046,
      pollingSeconds: 0,
      modelSeconds: 10,
      totalSeconds: 5056,
    });
  });

  it("gives video jobs the start window, the poll schedule and one poll's window", () => {
    const d = jobDeadline("video");
    expect(d.firstStepSeconds).toBe(3755);
    expect(d.pollingSeconds).toBe(1200 + 3755);
    expect(d.totalSeconds).toBe(3755 + 4955 + 2);
  });
});
