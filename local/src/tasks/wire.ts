// The Cloud Tasks v2 REST wire format as the SDK's fallback transport speaks it: Google's error JSON,
// the CreateTask body, and Task/Queue resources (proto3 JSON, enums as ints when the client asks).
import type { QueueDefinition } from "@genai-platform/definition";
import { durationMs } from "../dispatcher/backoff.ts";

/** An error answered as `{"error":{"code","message","status"}}`; gax maps it to a gRPC code. */
export class GoogleApiError extends Error {
  readonly httpStatus: number;
  readonly status: string;
  constructor(httpStatus: number, status: string, message: string) {
    super(message);
    this.httpStatus = httpStatus;
    this.status = status;
  }
  toJSON() {
    return { error: { code: this.httpStatus, message: this.message, status: this.status } };
  }
}

export const invalidArgument = (message: string) => new GoogleApiError(400, "INVALID_ARGUMENT", message);
export const notFound = (message: string) => new GoogleApiError(404, "NOT_FOUND", message);
export const alreadyExists = (message: string) => new GoogleApiError(409, "ALREADY_EXISTS", message);

/** google.cloud.tasks.v2.HttpMethod, in proto order (the index is the enum number). */
const HTTP_METHODS = ["HTTP_METHOD_UNSPECIFIED", "POST", "GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"];
const VIEWS = ["VIEW_UNSPECIFIED", "BASIC", "FULL"];
// Task ids: letters, digits, hyphens and underscores, at most 500 characters.
// Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks#Task (name)
const TASK_ID = /^[A-Za-z0-9_-]{1,500}$/;

export interface Attempt {
  scheduleTime: Date;
  dispatchTime: Date;
  responseTime: Date;
  /** HTTP status, or undefined when no response arrived (timeout, connection error). */
  httpStatus?: number;
}

/** A task as the server keeps it. */
export interface StoredTask {
  name: string;
  url: string;
  /** Upper-case method name (POST, GET, ...). */
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  oidcToken?: { serviceAccountEmail: string; audience?: string };
  scheduleTime: Date;
  createTime: Date;
  dispatchDeadlineMs: number;
  dispatchCount: number;
  responseCount: number;
  firstAttempt?: Attempt;
  lastAttempt?: Attempt;
}

/** How the client wants enums: `$alt=json;enum-encoding=int` (the SDK) or names (curl, humans). */
export interface Encoding {
  intEnums: boolean;
}

function enumValue(names: string[], value: unknown, field: string): number {
  const index = typeof value === "number" ? value : names.indexOf(String(value));
  if (!Number.isInteger(index) || index < 0 || index >= names.length) throw invalidArgument(`${field}: invalid value`);
  return index;
}

const encodeEnum = (names: string[], index: number, encoding: Encoding) =>
  encoding.intEnums ? index : (names[index] as string);

/** proto3 JSON Duration: `"600s"`, `"0.5s"`. */
export function parseDuration(value: unknown, field: string): number {
  if (typeof value !== "string" || !/^\d+(\.\d{1,9})?s$/.test(value)) throw invalidArgument(`${field}: not a duration`);
  return durationMs(value);
}

const formatDuration = (ms: number) => `${ms / 1000}s`;

/** Cloud Tasks' own view names: `responseView=2` or `responseView=FULL`. */
export function parseView(value: unknown): "BASIC" | "FULL" {
  if (value === undefined || value === null || value === "") return "BASIC";
  return enumValue(VIEWS, /^\d+$/.test(String(value)) ? Number(value) : value, "responseView") === 2 ? "FULL" : "BASIC";
}

export interface CreateTaskInput {
  /** Full task name when the client chose one. */
  name?: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  oidcToken?: { serviceAccountEmail: string; audience?: string };
  scheduleTime?: Date;
  dispatchDeadlineMs?: number;
  responseView: "BASIC" | "FULL";
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Validates a CreateTask body against its parent queue path, the way Cloud Tasks rejects bad input. */
export function parseCreateTask(parent: string, body: unknown): CreateTaskInput {
  if (!isRecord(body) || !isRecord(body.task)) throw invalidArgument("task is required");
  const task = body.task;
  const http = task.httpRequest;
  if (!isRecord(http) || typeof http.url !== "string" || http.url === "") {
    throw invalidArgument("task.httpRequest.url is required (only HTTP targets are supported)");
  }
  let url: URL;
  try {
    url = new URL(http.url);
  } catch {
    throw invalidArgument("task.httpRequest.url is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw invalidArgument("task.httpRequest.url must be http(s)");
  let name: string | undefined;
  if (task.name !== undefined && task.name !== "") {
    const prefix = `${parent}/tasks/`;
    if (
      typeof task.name !== "string" ||
      !task.name.startsWith(prefix) ||
      !TASK_ID.test(task.name.slice(prefix.length))
    ) {
      throw invalidArgument(`task.name must be ${prefix}TASK_ID with TASK_ID of letters, digits, hyphens, underscores`);
    }
    name = task.name;
  }
  const methodIndex = http.httpMethod === undefined ? 1 : enumValue(HTTP_METHODS, http.httpMethod, "httpMethod");
  const headers: Record<string, string> = {};
  if (isRecord(http.headers)) for (const [key, value] of Object.entries(http.headers)) headers[key] = String(value);
  let oidcToken: CreateTaskInput["oidcToken"];
  if (isRecord(http.oidcToken)) {
    if (typeof http.oidcToken.serviceAccountEmail !== "string" || http.oidcToken.serviceAccountEmail === "") {
      throw invalidArgument("oidcToken.serviceAccountEmail is required");
    }
    oidcToken = {
      serviceAccountEmail: http.oidcToken.serviceAccountEmail,
      audience: typeof http.oidcToken.audience === "string" ? http.oidcToken.audience : undefined,
    };
  }
  let scheduleTime: Date | undefined;
  if (task.scheduleTime !== undefined && task.scheduleTime !== null) {
    const ms = Date.parse(String(task.scheduleTime));
    if (Number.isNaN(ms)) throw invalidArgument("task.scheduleTime is not an RFC 3339 timestamp");
    scheduleTime = new Date(ms);
  }
  let dispatchDeadlineMs: number | undefined;
  if (task.dispatchDeadline !== undefined && task.dispatchDeadline !== null) {
    dispatchDeadlineMs = parseDuration(task.dispatchDeadline, "task.dispatchDeadline");
    // Cloud Tasks accepts 15 s to 30 min for HTTP targets.
    if (dispatchDeadlineMs < 15_000 || dispatchDeadlineMs > 1_800_000) {
      throw invalidArgument("task.dispatchDeadline must be between 15s and 1800s");
    }
  }
  return {
    name,
    url: http.url,
    method: HTTP_METHODS[methodIndex === 0 ? 1 : methodIndex] as string,
    headers,
    body: typeof http.body === "string" ? Buffer.from(http.body, "base64") : undefined,
    oidcToken,
    scheduleTime,
    dispatchDeadlineMs,
    responseView: parseView(body.responseView),
  };
}

function attemptJson(attempt: Attempt | undefined) {
  if (!attempt) return undefined;
  const ok = attempt.httpStatus !== undefined && attempt.httpStatus >= 200 && attempt.httpStatus < 300;
  return {
    scheduleTime: attempt.scheduleTime.toISOString(),
    dispatchTime: attempt.dispatchTime.toISOString(),
    responseTime: attempt.responseTime.toISOString(),
    // google.rpc.Status: OK (0) on 2xx, UNKNOWN (2) with the HTTP status otherwise, like Cloud Tasks.
    responseStatus: ok ? { code: 0 } : { code: 2, message: `HTTP status ${attempt.httpStatus ?? "none"}` },
  };
}

/** A Task resource; BASIC omits the body, as Cloud Tasks does. */
export function taskJson(task: StoredTask, view: "BASIC" | "FULL", encoding: Encoding) {
  return {
    name: task.name,
    httpRequest: {
      url: task.url,
      httpMethod: encodeEnum(HTTP_METHODS, HTTP_METHODS.indexOf(task.method), encoding),
      headers: task.headers,
      ...(view === "FULL" && task.body ? { body: task.body.toString("base64") } : {}),
      ...(task.oidcToken ? { oidcToken: task.oidcToken } : {}),
    },
    scheduleTime: task.scheduleTime.toISOString(),
    createTime: task.createTime.toISOString(),
    dispatchDeadline: formatDuration(task.dispatchDeadlineMs),
    dispatchCount: task.dispatchCount,
    responseCount: task.responseCount,
    firstAttempt: attemptJson(task.firstAttempt),
    lastAttempt: attemptJson(task.lastAttempt),
    view: encodeEnum(VIEWS, view === "FULL" ? 2 : 1, encoding),
  };
}

/**
 * google.cloud.tasks.v2.Queue.State, in proto order: STATE_UNSPECIFIED, RUNNING, PAUSED, DISABLED.
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#State
 */
const QUEUE_STATES = ["STATE_UNSPECIFIED", "RUNNING", "PAUSED", "DISABLED"];

/**
 * PauseQueue and ResumeQueue take the queue from the path only (`body: "*"` over a request whose
 * one field is that path): the body must be empty, or `{}` as the SDK's REST transport sends it.
 * A field it names is refused as Google's JSON transcoding refuses an unknown name.
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues/pause (Request body)
 */
export function checkEmptyQueueActionBody(body: unknown): void {
  if (!isRecord(body)) throw invalidArgument("Invalid JSON payload received. Expected an object.");
  const [field] = Object.keys(body);
  if (field !== undefined) {
    throw invalidArgument(`Invalid JSON payload received. Unknown name "${field}": Cannot find field.`);
  }
}

/** A Queue resource: rate limits (with any local override), the retry policy from the definition, its state. */
export function queueJson(
  name: string,
  queue: QueueDefinition,
  limits: { rate: number; burst: number },
  encoding: Encoding,
  state: "RUNNING" | "PAUSED" = "RUNNING",
) {
  return {
    name,
    rateLimits: {
      maxDispatchesPerSecond: limits.rate,
      maxBurstSize: limits.burst,
      maxConcurrentDispatches: queue.maxConcurrentDispatches,
    },
    retryConfig: {
      maxAttempts: queue.retry.maxAttempts,
      maxRetryDuration: "0s",
      minBackoff: formatDuration(durationMs(queue.retry.minBackoff)),
      maxBackoff: formatDuration(durationMs(queue.retry.maxBackoff)),
      maxDoublings: queue.retry.maxDoublings,
    },
    state: encodeEnum(QUEUE_STATES, QUEUE_STATES.indexOf(state), encoding),
  };
}
