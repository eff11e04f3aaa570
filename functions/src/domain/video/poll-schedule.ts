// When to look at a running Veo operation again, and when to give up on it: delays grow by half
// each poll (10 s, 15 s, 22 s ...) up to a minute apart, within a bounded total wait.

/** Longest a video job waits for its operation, counted over the poll schedule: 20 minutes. */
export const VIDEO_MAX_WAIT_SECONDS = 20 * 60;

const FIRST_DELAY_SECONDS = 10;
const GROWTH = 1.5;
const MAX_DELAY_SECONDS = 60;

/** Seconds between the previous step and poll `n` (1-based). */
export function pollDelaySeconds(poll: number): number {
  return Math.min(Math.floor(FIRST_DELAY_SECONDS * GROWTH ** (poll - 1)), MAX_DELAY_SECONDS);
}

/** Seconds the schedule has waited once poll `n` is due (sum of the first n delays). */
export function scheduledWaitSeconds(poll: number): number {
  let total = 0;
  for (let n = 1; n <= poll; n++) total += pollDelaySeconds(n);
  return total;
}

/** The last poll that still fits the maximum wait; "not done" at that poll fails the job. */
export function maxPolls(maxWaitSeconds: number = VIDEO_MAX_WAIT_SECONDS): number {
  let polls = 1;
  while (scheduledWaitSeconds(polls + 1) <= maxWaitSeconds) polls++;
  return polls;
}
