// Firestore reports transaction contention that outlasted the SDK's retries as gRPC ABORTED (10);
// lock timeouts surface as DEADLINE_EXCEEDED (4). Both mean "try again", never a server bug.
const RETRYABLE_CODES = new Set([4, 10]);

export function isContention(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && RETRYABLE_CODES.has(code);
}
