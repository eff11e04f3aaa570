// The small request/answer shapes the HTTP adapters work with, independent of Express.
export interface RequestContext {
  method: string;
  /** Path after the function's own prefix, e.g. `/abc123` for `GET /getJob/abc123`. */
  path: string;
  query: Record<string, string | undefined>;
  header(name: string): string | undefined;
  /** Parsed body (functions-framework parses JSON) and the raw byte count. */
  body: unknown;
  bodyBytes: number;
  /** Trace id from `X-Cloud-Trace-Context`, for log correlation. */
  trace?: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
