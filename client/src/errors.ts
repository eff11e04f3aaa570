// The one error type the client rejects with: the server's stable code and status, or a code of the
// client's own (network, timeout, abort, unreadable answer) with status 0.
import { errorBodySchema } from "./api.ts";

/** Codes the client itself produces; every other code comes from the server's error body. */
export const CLIENT_CODES = {
  network: "NETWORK_ERROR",
  timeout: "TIMEOUT",
  aborted: "ABORTED",
  invalidResponse: "INVALID_RESPONSE",
} as const;

export interface ClientErrorInit {
  status: number;
  code: string;
  message: string;
  field?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class ClientError extends Error {
  /** HTTP status, or 0 when no answer was received (network, timeout, abort). */
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly retryAfterSeconds?: number;

  constructor(init: ClientErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = "ClientError";
    this.status = init.status;
    this.code = init.code;
    if (init.field !== undefined) this.field = init.field;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /**
   * Worth repeating with the same Idempotency-Key: the server was busy or unavailable, or the answer
   * never came. A spent quota (QUOTA_EXCEEDED) or any other 4xx will not change by retrying.
   */
  get retryable(): boolean {
    if (this.code === CLIENT_CODES.network) return true;
    if (this.status === 503) return true;
    return this.status === 429 && this.code !== "QUOTA_EXCEEDED";
  }
}

/** The ClientError an error answer describes; bodies that are not the API's error shape still map. */
export async function errorFromResponse(response: Response): Promise<ClientError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  const base = { status: response.status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  if (parsed.success) {
    const { code, message, field } = parsed.data.error;
    return new ClientError({ ...base, code, message, ...(field !== undefined ? { field } : {}) });
  }
  return new ClientError({
    ...base,
    code: response.status >= 500 ? "UNAVAILABLE" : "HTTP_ERROR",
    message: `the server answered ${response.status}`,
  });
}

/** Retry-After in seconds (delta-seconds or an HTTP date), if present and sensible. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds : undefined;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
