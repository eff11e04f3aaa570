// Cloud Tasks v2 `CreateTask` over its REST API: one authorized JSON POST, no client library.
// The gax client it replaces cost ~350 ms of module loading on the first enqueue of a cold instance.

import { raceAbort } from "../system/race-abort.ts";

/**
 * A task as the REST API takes it (proto3 JSON): enums by name, bytes base64, a Timestamp as an
 * RFC 3339 string and a Duration as `"<seconds>s"`.
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks#Task
 */
export interface HttpTask {
  /** `projects/P/locations/L/queues/Q/tasks/ID`: an explicit id makes Cloud Tasks deduplicate. */
  name: string;
  httpRequest: {
    url: string;
    httpMethod: "POST";
    headers: Record<string, string>;
    /** Base64 of the request body. */
    body: string;
    oidcToken: { serviceAccountEmail: string; audience: string };
  };
  /** RFC 3339, e.g. `2026-01-01T00:00:00.250Z`. */
  scheduleTime?: string;
  /** e.g. `"60s"`. */
  dispatchDeadline?: string;
}

export interface CreateTaskOptions {
  /** Deadline of the whole call (credentials and request), so a hung Cloud Tasks cannot hold a request. */
  timeoutMs: number;
}

/** What the queue adapter needs of a Cloud Tasks client. */
export interface CreateTaskClient {
  createTask(parent: string, task: HttpTask, options: CreateTaskOptions): Promise<unknown>;
}

/** Anything that yields the request headers carrying credentials (a google-auth-library client). */
export interface RequestAuthorizer {
  getRequestHeaders(url?: string): Promise<Headers>;
}

/**
 * The canonical codes by name, numbered as in google.rpc.Code: the number is what callers compare
 * (`code === 6`), as they did with the gax client's errors.
 * Source: https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
 */
const GRPC_CODES: Readonly<Record<string, number>> = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

/**
 * google.rpc.Code's HTTP mapping, for an answer that carries no `error.status` (a proxy's page).
 * Source: https://cloud.google.com/apis/design/errors#handling_errors
 */
const STATUS_BY_HTTP: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** A failed Cloud Tasks call: `code` is the google.rpc.Code number, `status` its name. */
export class CloudTasksApiError extends Error {
  readonly code: number;
  readonly status: string;
  /** The HTTP status, when an answer arrived. */
  readonly httpStatus?: number;
  constructor(status: string, message: string, options: { httpStatus?: number; cause?: unknown } = {}) {
    super(`Cloud Tasks ${status}: ${message}`, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "CloudTasksApiError";
    this.status = status;
    this.code = GRPC_CODES[status] ?? GRPC_CODES.UNKNOWN!;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
  }
}

export interface CloudTasksRestClientOptions {
  /** `https://cloudtasks.googleapis.com` in production; the local server's `http://host:port` otherwise. */
  baseUrl: string;
  auth: RequestAuthorizer;
}

export class CloudTasksRestClient implements CreateTaskClient {
  private readonly options: CloudTasksRestClientOptions;

  constructor(options: CloudTasksRestClientOptions) {
    this.options = options;
  }

  /**
   * `POST {baseUrl}/v2/{parent}/tasks` with `{task}`; answers the created Task. Tried once: CreateTask
   * is not idempotent, and the gax client's config did not retry it either (retry codes
   * `non_idempotent` = none); the admission use case retries, and the task name dedups.
   * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks/create
   */
  async createTask(parent: string, task: HttpTask, options: CreateTaskOptions): Promise<HttpTask> {
    const url = `${this.options.baseUrl}/v2/${parent}/tasks`;
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const headers = await raceAbort(this.options.auth.getRequestHeaders(url), signal);
      headers.set("Content-Type", "application/json");
      const response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ task }), signal });
      const text = await response.text();
      if (!response.ok) throw errorFrom(response.status, text);
      return JSON.parse(text) as HttpTask;
    } catch (error) {
      if (error instanceof CloudTasksApiError) throw error;
      if (signal.aborted) {
        throw new CloudTasksApiError("DEADLINE_EXCEEDED", `no answer within ${options.timeoutMs} ms`, { cause: error });
      }
      // Refused connections, resets, DNS: transient from the caller's side, as gax reported them.
      throw new CloudTasksApiError("UNAVAILABLE", (error as Error).message, { cause: error });
    }
  }
}

/** Google's error JSON `{"error":{"code","message","status"}}`; the status name wins over the HTTP code. */
function errorFrom(httpStatus: number, text: string): CloudTasksApiError {
  let status: string | undefined;
  let message = `HTTP ${httpStatus}`;
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; status?: unknown } };
    if (typeof body.error?.status === "string" && body.error.status in GRPC_CODES) status = body.error.status;
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // Not Google's JSON (a proxy or load balancer page): the HTTP status alone says what happened.
  }
  status ??= STATUS_BY_HTTP[httpStatus] ?? (httpStatus >= 500 ? "INTERNAL" : "UNKNOWN");
  return new CloudTasksApiError(status, message, { httpStatus });
}
