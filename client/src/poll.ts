// How often waitFor asks for a job: soon and then less often, at a pace suited to how long the kind
// takes (images in seconds, Veo videos in minutes), so thousands of waiting browsers stay cheap.
import type { JobKind } from "./api.ts";

export interface PollSchedule {
  /** Delay before the second poll (the first is immediate). */
  firstDelayMs: number;
  /** Cap on the delay between polls. */
  maxDelayMs: number;
  /** Growth of the delay per poll. */
  factor: number;
  /** How long waitFor waits for a terminal status unless told otherwise. */
  timeoutMs: number;
}

export const POLL_SCHEDULES: Record<JobKind, PollSchedule> = {
  image: { firstDelayMs: 1_000, maxDelayMs: 5_000, factor: 1.5, timeoutMs: 10 * 60_000 },
  video: { firstDelayMs: 5_000, maxDelayMs: 20_000, factor: 1.5, timeoutMs: 30 * 60_000 },
};

/** Delay after poll number `poll` (0-based). */
export function pollDelayMs(schedule: PollSchedule, poll: number): number {
  return Math.min(schedule.maxDelayMs, Math.round(schedule.firstDelayMs * schedule.factor ** poll));
}
