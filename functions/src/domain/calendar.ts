// Usage is counted per UTC day: the day key of an instant, and when that day's quota resets.

/** `YYYY-MM-DD` of `at` in UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The next UTC midnight after `at`: when today's usage resets. */
export function nextUtcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

/** Whole seconds from `at` until the quota resets (at least 1), for Retry-After. */
export function secondsUntilReset(at: Date): number {
  return Math.max(1, Math.ceil((nextUtcMidnight(at).getTime() - at.getTime()) / 1000));
}

/** `YYYY-MM-DDTHH:MM` of `at` in UTC: the window a burst limit counts admissions in. */
export function utcMinute(at: Date): string {
  return at.toISOString().slice(0, 16);
}

/** Whole seconds from `at` until the next UTC minute begins (at least 1), for Retry-After. */
export function secondsUntilNextMinute(at: Date): number {
  return Math.max(1, Math.ceil((60_000 - (at.getTime() % 60_000)) / 1000));
}
