import { describe, expect, it } from "vitest";
import { maxPolls, pollDelaySeconds, scheduledWaitSeconds, VIDEO_MAX_WAIT_SECONDS } from "./poll-schedule.ts";

describe("the video poll schedule", () => {
  it.each([
    [1, 10],
    [2, 15],
    [3, 22],
    [4, 33],
    [5, 50],
    [6, 60],
    [30, 60],
  ])("waits before poll %i for %i s", (poll, seconds) => {
    expect(pollDelaySeconds(poll)).toBe(seconds);
  });

  it("never schedules past the maximum wait, and the next poll would cross it", () => {
    const polls = maxPolls();
    expect(scheduledWaitSeconds(polls)).toBeLessThanOrEqual(VIDEO_MAX_WAIT_SECONDS);
    expect(scheduledWaitSeconds(polls + 1)).toBeGreaterThan(VIDEO_MAX_WAIT_SECONDS);
    expect(polls).toBe(22);
  });

  it.each([
    [10, 1],
    [24, 1],
    [25, 2],
    [47, 3],
  ])("with a maximum wait of %i s polls %i times", (maxWait, polls) => {
    expect(maxPolls(maxWait)).toBe(polls);
  });
});
