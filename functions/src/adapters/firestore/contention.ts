// Firestore reports transaction contention that outlasted the SDK's retries as gRPC ABORTED (10);
// lock timeouts surface as DEADLINE_EXCEEDED (4). Both mean "try again", never a server bug.
// Source: https://firebase.google.com/docs/firestore/transaction-data-contention and
// https://grpc.github.io/grpc/core/md_doc_statuscodes.html (4 DEADLINE_EXCEEDED, 10 ABORTED)
const RETRYABLE_CODES = new Set([4, 10]);

export function isContention(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && RETRYABLE_CODES.has(code);
}
