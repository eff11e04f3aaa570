// The one error type the client rejects with: the server's stable code and status, or a code of the
// client's own (network, CORS refusal, timeout, abort, unreadable answer) with status 0.
import { errorBodySchema } from "./api.ts";

/** Codes the client itself produces; every other code comes from the server's error body. */
export const CLIENT_CODES = {
  network: "NETWORK_ERROR",
  /** The browser refused the answer: the page's origin is not one of the platform's web origins. */
  corsRefused: "CORS_REFUSED",
  timeout: "TIMEOUT",
  aborted: "ABORTED",
  invalidResponse: "INVALID_RESPONSE",
} as const;

/**
 * Stable codes the platform answers with (the README's error table); a ClientError's `code` is one
 * of these or of CLIENT_CODES, or an unknown code a newer server sent.
 */
export const SERVER_CODES = [
  "INVALID_ARGUMENT",
  "INVALID_JSON",
  "UNAUTHENTICATED",
  "TOKEN_MISSING",
  "TOKEN_MALFORMED",
  "TOKEN_EXPIRED",
  "TOKEN_INVALID",
  "TOKEN_REVOKED",
  "FORBIDDEN",
  "SIGN_IN_PROVIDER_NOT_ALLOWED",
  "EMAIL_NOT_VERIFIED",
  "ACCOUNT_SUSPENDED",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "MODEL_SAFETY_BLOCKED",
  /** 429: today's limit for the kind is spent; Retry-After until UTC midnight. */
  "QUOTA_EXCEEDED",
  /** 429: the tier's requests per minute are spent; Retry-After until the next minute. */
  "RATE_LIMITED",
  "BUSY",
  "GENERATION_PAUSED",
  /** 503: the platform's daily budget is spent; Retry-After until UTC midnight; nothing was charged. */
  "BUDGET_EXHAUSTED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;
export type ServerErrorCode = (typeof SERVER_CODES)[number];
export type ClientErrorCode = (typeof CLIENT_CODES)[keyof typeof CLIENT_CODES];
/** A code this client knows, or any other string a newer server may send (still autocompleted). */
export type ErrorCode = ServerErrorCode | ClientErrorCode | "HTTP_ERROR" | (string & {});

/** Refusals that retrying today will not change: a spent daily quota or a spent daily budget. */
const SPENT_FOR_TODAY: readonly string[] = ["QUOTA_EXCEEDED", "BUDGET_EXHAUSTED"];

export interface ClientErrorInit {
  status: number;
  code: ErrorCode;
  message: string;
  field?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
  /** Overrides the rule in `retryable` (e.g. for a request that must not be repeated). */
  retryable?: boolean;
}

export class ClientError extends Error {
  /** HTTP status, or 0 when no answer was received (network, timeout, abort). */
  readonly status: number;
  readonly code: ErrorCode;
  readonly field?: string;
  readonly retryAfterSeconds?: number;
  private readonly retryableOverride: boolean | undefined;

  constructor(init: ClientErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = "ClientError";
    this.status = init.status;
    this.code = init.code;
    if (init.field !== undefined) this.field = init.field;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    this.retryableOverride = init.retryable;
  }

  /**
   * Worth repeating with the same Idempotency-Key: the server was busy or unavailable, or the answer
   * never came, or the per-minute limit (RATE_LIMITED) resets shortly. A spent quota
   * (QUOTA_EXCEEDED), a spent daily budget (BUDGET_EXHAUSTED) or any other 4xx will not change by
   * retrying today.
   */
  get retryable(): boolean {
    if (this.retryableOverride !== undefined) return this.retryableOverride;
    if (this.code === CLIENT_CODES.network) return true;
    if (SPENT_FOR_TODAY.includes(this.code)) return false;
    if (this.status === 503) return true;
    return this.status === 429;
  }
}

/** A CORS refusal: retrying cannot help, the platform must list the page's origin. */
export function corsRefused(pageOrigin: string, apiOrigin: string, cause?: unknown): ClientError {
  return new ClientError({
    status: 0,
    code: CLIENT_CODES.corsRefused,
    message:
      `${apiOrigin} does not allow requests from ${pageOrigin}: add it to the stack's webOrigins ` +
      `(locally: npm start -- --web-origin ${pageOrigin})`,
    cause,
  });
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
