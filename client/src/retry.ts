// Retrying a request the server may not have finished: exponential backoff with jitter, never sooner
// than Retry-After says, only for errors a repeat can fix (see ClientError.retryable).
import { CLIENT_CODES, ClientError } from "./errors.ts";

export interface RetryPolicy {
  /** Tries in all, the first included; 1 disables retries. */
  attempts: number;
  /** Delay before the first retry; doubles per retry (with jitter). */
  baseDelayMs: number;
  /** Longest wait between tries; a Retry-After beyond it ends the retries. Default 30 s. */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Runs `run` until it resolves, a non-retryable error occurs, or the attempts are spent. */
export async function withRetry<T>(policy: RetryPolicy, signal: AbortSignal | undefined, run: () => Promise<T>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ClientError) || !error.retryable || attempt >= policy.attempts) throw error;
      const delay = retryDelayMs(policy, attempt, error.retryAfterSeconds);
      if (delay === undefined) throw error;
      await sleep(delay, signal);
    }
  }
}

/**
 * Wait before retry number `retry` (1-based): half the doubled base plus a random half ("equal
 * jitter", so a crowd of clients spreads out), but never less than Retry-After. Undefined when the
 * server asks for a longer wait than the policy allows: the caller should see the error instead.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number | undefined {
  const max = policy.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const told = (retryAfterSeconds ?? 0) * 1000;
  if (told > max) return undefined;
  const backoff = Math.min(max, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.max(told, Math.round(backoff / 2 + random() * (backoff / 2)));
}

/** Resolves after `ms`, or rejects when `signal` aborts (with its reason if that is a ClientError). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function abortError(signal: AbortSignal): ClientError {
  if (signal.reason instanceof ClientError) return signal.reason;
  return new ClientError({
    status: 0,
    code: CLIENT_CODES.aborted,
    message: "the request was cancelled",
    cause: signal.reason,
  });
}
