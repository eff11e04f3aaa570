// Cloud Tasks' retry schedule: the interval starts at minBackoff, doubles maxDoublings times, then
// grows linearly by that last doubled step, capped at maxBackoff.
import type { QueueDefinition } from "@genai-platform/definition";

export function durationMs(duration: string): number {
  return Math.round(Number.parseFloat(duration) * 1000);
}

/** Delay before retry number `retry` (1 = the first retry). */
export function retryDelayMs(retry: QueueDefinition["retry"], retryNumber: number): number {
  const min = durationMs(retry.minBackoff);
  const max = durationMs(retry.maxBackoff);
  const k = Math.max(0, retryNumber - 1);
  const doublings = Math.min(k, retry.maxDoublings);
  const doubled = min * 2 ** doublings;
  const linear = k > retry.maxDoublings ? (k - retry.maxDoublings) * min * 2 ** retry.maxDoublings : 0;
  return Math.min(max, doubled + linear);
}
