// A local Cloud Tasks v2 server: the REST API the SDK's fallback transport speaks (create, get,
// delete, list tasks; get, pause and resume a queue), handing each task to its queue's dispatcher,
// which delivers it.
import { randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type QueueDefinition, queuePath } from "@genai-platform/definition";
import type { JWK } from "jose";
import { type DispatchOutcome, QueueDispatcher } from "../dispatcher/queue-dispatcher.ts";
import { createLocalOidcIssuer, type LocalOidcIssuer } from "./local-oidc-token.ts";
import { TaskFaults } from "./task-faults.ts";
import {
  alreadyExists,
  checkEmptyQueueActionBody,
  type Encoding,
  GoogleApiError,
  invalidArgument,
  notFound,
  parseCreateTask,
  parseView,
  queueJson,
  type StoredTask,
  taskJson,
} from "./wire.ts";

export interface TasksServerOptions {
  project: string;
  location: string;
  queues: readonly QueueDefinition[];
  /** maxDispatchesPerSecond per queue name, overriding the definition (local experiments, benchmarks). */
  rates?: Partial<Record<string, number>>;
  /** Every dispatcher outcome of every queue (the task name carries the queue). */
  onOutcome?: (outcome: DispatchOutcome) => void;
  /** Default 0: a free port. */
  port?: number;
  /** Signs the OIDC tokens attached to tasks; default a key of the server's own. */
  issuer?: LocalOidcIssuer;
}

export interface QueueStats {
  /** Tasks accepted by CreateTask. */
  created: number;
  /** Delivery attempts made (a retried task counts once per attempt). */
  dispatched: number;
  /** Tasks whose worker answered 2xx. */
  succeeded: number;
  /** Tasks that used up maxAttempts. */
  exhausted: number;
  pending: number;
  inFlight: number;
}

export interface TasksServer {
  /** `127.0.0.1:PORT`, the value of CLOUD_TASKS_ENDPOINT. */
  endpoint: string;
  url: string;
  stats(): Record<string, QueueStats>;
  /** Resolves once no queue has a task pending or in flight, all at the same time. */
  idle(): Promise<void>;
  dispatcher(queue: string): QueueDispatcher;
  /** Scripted CreateTask failures and duplicate deliveries (see task-faults.ts). */
  faults: TaskFaults;
  /** The public key of the OIDC tokens the server attaches: what a worker host verifies them with. */
  oidcPublicJwk: JWK;
  stop(): Promise<void>;
}

interface QueueState {
  definition: QueueDefinition;
  dispatcher: QueueDispatcher;
  tasks: Map<string, StoredTask>;
  /** Deleted while in flight: the attempt under way may finish, but no retry follows. */
  deleted: Set<string>;
  counts: Omit<QueueStats, "pending" | "inFlight">;
}

/**
 * Cloud Tasks' cap on a task's size: 1 MB on the quotas page (the API reference says 100 KB for
 * some fields; the tasks this platform creates are a few hundred bytes either way).
 * Source: https://cloud.google.com/tasks/docs/quotas
 */
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Default dispatchDeadline of HTTP tasks: 10 minutes (15 s to 30 min allowed).
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks#Task (dispatchDeadline)
 */
const DEFAULT_DEADLINE_MS = 600_000;

export async function startTasksServer(options: TasksServerOptions): Promise<TasksServer> {
  const issuer = options.issuer ?? (await createLocalOidcIssuer());
  const queues = new Map<string, QueueState>();
  // Names are reserved for the server's lifetime; Cloud Tasks keeps them about an hour after the
  // task finished or was deleted, longer than any local run cares about.
  const reserved = new Set<string>();
  const faults = new TaskFaults();
  for (const definition of options.queues) {
    const path = queuePath(options.project, options.location, definition.name);
    const state: QueueState = {
      definition,
      tasks: new Map(),
      deleted: new Set(),
      counts: { created: 0, dispatched: 0, succeeded: 0, exhausted: 0 },
      dispatcher: new QueueDispatcher({
        queue: definition,
        maxDispatchesPerSecond: options.rates?.[definition.name],
        onOutcome: (outcome) => {
          record(state, outcome);
          options.onOutcome?.(outcome);
        },
      }),
    };
    queues.set(path, state);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const apiError =
        error instanceof GoogleApiError
          ? error
          : new GoogleApiError(500, "INTERNAL", "internal error in the local server");
      if (!res.headersSent) send(res, apiError.httpStatus, apiError.toJSON());
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://local");
    const encoding: Encoding = { intEnums: (url.searchParams.get("$alt") ?? "").includes("enum-encoding=int") };
    const method = req.method ?? "GET";
    if (method === "GET" && url.pathname === "/__control/stats") return send(res, 200, stats());
    if (!url.pathname.startsWith("/v2/")) throw notFound(`no such path ${url.pathname}`);
    const path = decodeURIComponent(url.pathname.slice(4));

    const taskMatch = /^(projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+)\/tasks\/([^/:]+)$/.exec(path);
    if (taskMatch) {
      const state = queueAt(taskMatch[1] as string);
      const task = state.tasks.get(path);
      if (!task) throw notFound(`Requested entity was not found: ${path}`);
      if (method === "GET")
        return send(res, 200, taskJson(task, parseView(url.searchParams.get("responseView")), encoding));
      if (method === "DELETE") {
        state.tasks.delete(path);
        if (!state.dispatcher.remove(path)) state.deleted.add(path);
        return send(res, 200, {});
      }
      throw methodNotAllowed(method, path);
    }
    const tasksMatch = /^(projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+)\/tasks$/.exec(path);
    if (tasksMatch) {
      const parent = tasksMatch[1] as string;
      const state = queueAt(parent);
      if (method === "POST") return send(res, 200, await createTask(parent, state, await readJson(req), encoding));
      if (method === "GET") return send(res, 200, listTasks(state, url.searchParams, encoding));
      throw methodNotAllowed(method, path);
    }
    // `POST .../queues/{q}:pause` and `:resume` answer the Queue. A paused queue still accepts
    // CreateTask and dispatches nothing until resumed; both are idempotent.
    // Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues/pause
    // Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues/resume
    const actionMatch = /^(projects\/[^/]+\/locations\/[^/]+\/queues\/[^/:]+):(pause|resume)$/.exec(path);
    if (actionMatch) {
      const name = actionMatch[1] as string;
      const state = queueAt(name);
      if (method !== "POST") throw methodNotAllowed(method, path);
      checkEmptyQueueActionBody(await readJson(req));
      if (actionMatch[2] === "pause") state.dispatcher.pause();
      else state.dispatcher.resume();
      return send(res, 200, describeQueue(name, state, encoding));
    }
    if (/^projects\/[^/]+\/locations\/[^/]+\/queues\/[^/:]+$/.test(path)) {
      const state = queueAt(path);
      if (method !== "GET") throw methodNotAllowed(method, path);
      return send(res, 200, describeQueue(path, state, encoding));
    }
    throw notFound(`no such resource ${path}`);
  }

  function describeQueue(name: string, state: QueueState, encoding: Encoding) {
    const limits = { rate: state.dispatcher.rate, burst: state.dispatcher.burst };
    return queueJson(name, state.definition, limits, encoding, state.dispatcher.paused ? "PAUSED" : "RUNNING");
  }

  function queueAt(path: string): QueueState {
    const state = queues.get(path);
    if (!state) throw notFound(`Queue does not exist: ${path}`);
    return state;
  }

  async function createTask(parent: string, state: QueueState, body: unknown, encoding: Encoding) {
    const input = parseCreateTask(parent, body);
    const fault = faults.take(state.definition.name);
    if (fault?.createStatus && !fault.afterCreate) throw unavailable(fault.createStatus);
    const name = input.name ?? `${parent}/tasks/${generatedId()}`;
    if (reserved.has(name)) throw alreadyExists("Requested entity already exists");
    reserved.add(name);
    const now = new Date();
    const scheduleTime = input.scheduleTime && input.scheduleTime > now ? input.scheduleTime : now;
    const headers = { ...input.headers, "User-Agent": "Google-Cloud-Tasks" };
    const task: StoredTask = {
      name,
      url: input.url,
      method: input.method,
      headers,
      body: input.body,
      oidcToken: input.oidcToken,
      scheduleTime,
      createTime: now,
      dispatchDeadlineMs: input.dispatchDeadlineMs ?? DEFAULT_DEADLINE_MS,
      dispatchCount: 0,
      responseCount: 0,
    };
    state.tasks.set(name, task);
    state.counts.created++;
    const dispatchHeaders: Record<string, string> = { ...headers };
    if (task.oidcToken) {
      // Valid from creation until an hour after the task is due, so delayed tasks still carry a live token.
      const iat = Math.floor(now.getTime() / 1000);
      const lifetimeSeconds = 3600 + Math.ceil((scheduleTime.getTime() - now.getTime()) / 1000);
      const token = await issuer.sign({
        email: task.oidcToken.serviceAccountEmail,
        aud: task.oidcToken.audience ?? task.url,
        iat,
        lifetimeSeconds,
      });
      dispatchHeaders.Authorization = `Bearer ${token}`;
    }
    const delivery = {
      name,
      url: task.url,
      method: task.method,
      headers: dispatchHeaders,
      body: task.body,
      scheduleTime,
      dispatchDeadlineMs: task.dispatchDeadlineMs,
    };
    state.dispatcher.add(delivery);
    if (fault?.duplicate) state.dispatcher.addDuplicate(delivery);
    // Stored and queued, but the caller hears an error: it cannot know the task exists.
    if (fault?.createStatus) throw unavailable(fault.createStatus);
    return taskJson(task, input.responseView, encoding);
  }

  function listTasks(state: QueueState, params: URLSearchParams, encoding: Encoding) {
    const pageSize = Math.min(1000, Number(params.get("pageSize") || 1000));
    const offset = Number(params.get("pageToken") || 0);
    if (!Number.isInteger(pageSize) || pageSize < 0 || !Number.isInteger(offset) || offset < 0) {
      throw invalidArgument("invalid pageSize or pageToken");
    }
    const view = parseView(params.get("responseView"));
    const all = [...state.tasks.values()];
    const page = all.slice(offset, offset + (pageSize || 1000));
    const next = offset + page.length;
    return {
      ...(page.length > 0 ? { tasks: page.map((task) => taskJson(task, view, encoding)) } : {}),
      ...(next < all.length ? { nextPageToken: String(next) } : {}),
    };
  }

  function record(state: QueueState, outcome: DispatchOutcome): void {
    const task = state.tasks.get(outcome.task);
    if (outcome.type === "attempt") {
      state.counts.dispatched++;
      if (state.deleted.delete(outcome.task)) {
        // The dispatcher re-queues a failed attempt right after reporting it; a deleted task stops here.
        queueMicrotask(() => state.dispatcher.remove(outcome.task));
      }
      if (!task) return;
      const responded = typeof outcome.status === "number";
      const attempt = {
        scheduleTime: task.scheduleTime,
        dispatchTime: new Date(outcome.dispatchedAt),
        responseTime: new Date(outcome.dispatchedAt + outcome.latencyMs),
        httpStatus: responded ? (outcome.status as number) : undefined,
      };
      task.dispatchCount++;
      if (responded) task.responseCount++;
      task.firstAttempt ??= attempt;
      task.lastAttempt = attempt;
      return;
    }
    if (outcome.type === "done") state.counts.succeeded++;
    else state.counts.exhausted++;
    // Cloud Tasks deletes a task once it succeeded or ran out of attempts; its name stays reserved.
    state.tasks.delete(outcome.task);
  }

  function stats(): Record<string, QueueStats> {
    const result: Record<string, QueueStats> = {};
    for (const state of queues.values()) {
      result[state.definition.name] = { ...state.counts, ...state.dispatcher.size };
    }
    return result;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `127.0.0.1:${port}`;

  return {
    endpoint,
    url: `http://${endpoint}`,
    oidcPublicJwk: issuer.publicJwk,
    faults,
    stats,
    idle: async () => {
      // A task may enqueue onto another queue (a video start schedules its poll): only a moment at
      // which every queue is idle at once is idle.
      for (;;) {
        await Promise.all([...queues.values()].map((state) => state.dispatcher.idle()));
        const busy = [...queues.values()].some((s) => s.dispatcher.size.pending + s.dispatcher.size.inFlight > 0);
        if (!busy) return;
      }
    },
    dispatcher: (queue) => {
      const state = [...queues.values()].find((s) => s.definition.name === queue);
      if (!state) throw new Error(`unknown queue "${queue}"`);
      return state.dispatcher;
    },
    stop: async () => {
      for (const state of queues.values()) state.dispatcher.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * An injected server-side failure, with the canonical code of the status: 503 UNAVAILABLE (transient,
 * retry with backoff), 500 INTERNAL, 504 DEADLINE_EXCEEDED.
 * Source: https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
 */
function unavailable(status: 500 | 503 | 504): GoogleApiError {
  if (status === 503) return new GoogleApiError(503, "UNAVAILABLE", "The service is currently unavailable.");
  if (status === 504)
    return new GoogleApiError(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.");
  return new GoogleApiError(500, "INTERNAL", "Internal error encountered.");
}

function methodNotAllowed(method: string, path: string): GoogleApiError {
  return new GoogleApiError(405, "UNIMPLEMENTED", `${method} is not supported on ${path}`);
}

/** Cloud Tasks names generated tasks with a long decimal id. */
function generatedId(): string {
  return `${randomInt(1, 1e9)}${String(randomInt(0, 1e9)).padStart(9, "0")}`;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw invalidArgument("task is larger than 1 MB");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    throw invalidArgument("request body is not JSON");
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
