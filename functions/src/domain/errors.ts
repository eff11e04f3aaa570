// Typed application errors: a stable code, an HTTP status and a message safe to show a client.
// One mapper (adapters/http) turns them into JSON; nothing else decides a status code.

export const ERROR_STATUS = {
  INVALID_ARGUMENT: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  TOKEN_MISSING: 401,
  TOKEN_MALFORMED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  TOKEN_REVOKED: 401,
  FORBIDDEN: 403,
  /** The account's sign-in provider may not generate on this stack (e.g. anonymous). */
  SIGN_IN_PROVIDER_NOT_ALLOWED: 403,
  /** This stack requires a verified email address to generate. */
  EMAIL_NOT_VERIFIED: 403,
  /** An operator suspended the account (`users/{uid}.suspended`). */
  ACCOUNT_SUSPENDED: 403,
  /** App Check is enforced and the request carries no `X-Firebase-AppCheck` token. */
  APP_CHECK_MISSING: 403,
  /** The App Check token is malformed, forged, or for another project. */
  APP_CHECK_INVALID: 403,
  /** The App Check token has expired: get a fresh one from the App Check SDK. */
  APP_CHECK_EXPIRED: 403,
  /** Replay protection: this App Check token was already used once. */
  APP_CHECK_REPLAYED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The model refused the content (safety filters): not retryable as is. */
  MODEL_SAFETY_BLOCKED: 422,
  QUOTA_EXCEEDED: 429,
  /** The tier's admissions per minute are spent: retry when the next minute begins. */
  RATE_LIMITED: 429,
  BUSY: 503,
  /** An operator paused this kind of generation (`controls/generation`): retry later. */
  GENERATION_PAUSED: 503,
  /** The stack's global daily budget cannot hold the request's estimated cost: nothing was charged. */
  BUDGET_EXHAUSTED: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  /** The request field at fault, when there is one (`prompt`, `Idempotency-Key`, ...). */
  field?: string;
  /** Seconds a client should wait before retrying (429/503 answers carry it as Retry-After). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field?: string;
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * A model call failed. `retryable` failures (429, 5xx, timeouts) make the worker answer non-2xx so
 * Cloud Tasks retries with backoff; permanent ones (safety block, invalid request) fail the job now.
 */
export class ModelError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  /** Where the call went, for errors the operator must fix (a model not served in its location). */
  readonly location: string | undefined;

  constructor(code: string, message: string, retryable: boolean, cause?: unknown, location?: string) {
    super(message, { cause });
    this.name = "ModelError";
    this.code = code;
    this.retryable = retryable;
    this.location = location;
  }
}
