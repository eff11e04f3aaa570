// Every Google call a request waits on runs under a deadline: with Firestore down, firebase-admin
// retries UNAVAILABLE for ~40 s (longer inside a transaction) before it gives up, which no caller
// should wait for. Past the deadline, or on gRPC UNAVAILABLE (14), the caller gets AppError
// UNAVAILABLE with a Retry-After. Source: https://grpc.github.io/grpc/core/md_doc_statuscodes.html (14 UNAVAILABLE)
import { AppError } from "../../domain/errors.ts";

/** Long enough for a healthy store under contention to answer, short enough to answer "retry" in seconds. */
export const FIRESTORE_DEADLINE_MS = 5_000;
/** What an outage answer asks clients to wait (seconds). */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;
const UNAVAILABLE = 14;

export function storeUnavailable(cause: unknown, service = "the data store"): AppError {
  return new AppError("UNAVAILABLE", `${service} is not answering; retry shortly`, {
    retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
    cause,
  });
}

export function isUnavailable(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNAVAILABLE;
}

/**
 * Runs `call` and settles within `ms`. `expired()` tells a transaction body to stop before it
 * commits once the caller has been answered (the SDK may be about to run it again). The race
 * subscribes to the abandoned call, so its late rejection is handled, never an unhandled one.
 */
export async function withDeadline<T>(
  call: (expired: () => boolean) => Promise<T>,
  ms: number = FIRESTORE_DEADLINE_MS,
  service = "the data store",
): Promise<T> {
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const running = call(() => timedOut);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(storeUnavailable(new Error(`no answer within ${ms} ms`), service));
    }, ms);
  });
  try {
    return await Promise.race([running, deadline]);
  } catch (error) {
    if (isUnavailable(error)) throw storeUnavailable(error, service);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Thrown inside a transaction body whose caller has already been answered: nothing is committed. */
export function abandonIfExpired(expired: () => boolean): void {
  if (expired()) throw storeUnavailable(new Error("deadline passed before the transaction committed"));
}
