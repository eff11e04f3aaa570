// Wraps an endpoint as a functions-framework HTTP function: CORS for the configured web origins
// (preflight included), the method check, the trace id, and the single error mapper. Endpoints
// only see a RequestContext and return an HttpAnswer.
import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import { AppError } from "../../domain/errors.ts";
import { traceIdOf } from "../logging/cloud-logging-event-log.ts";
import { errorAnswer } from "./error-answer.ts";
import type { HttpAnswer, RequestContext } from "./http-types.ts";

export interface HttpsEndpoint {
  methods: readonly ("GET" | "POST")[];
  /** Origins allowed by CORS; read once per request so config stays the single source. */
  origins: () => readonly string[];
  handle(ctx: RequestContext): Promise<HttpAnswer>;
  /** Where unexpected errors go (structured log line). */
  logError?: (error: unknown) => void;
  /** For streaming endpoints: take over the raw response instead of returning an answer. */
  stream?: (ctx: RequestContext, res: Response) => Promise<boolean>;
}

// X-Firebase-AppCheck: the header a web app's App Check token travels in (request-parsing.ts).
const ALLOWED_HEADERS =
  "Authorization, Content-Type, Idempotency-Key, X-Cloud-Trace-Context, Accept, X-Firebase-AppCheck";

export function httpsFunction(endpoint: HttpsEndpoint): HttpFunction {
  const logError =
    endpoint.logError ??
    ((error: unknown) =>
      console.error(JSON.stringify({ severity: "ERROR", message: `unhandled: ${describeError(error)}` })));
  return async (req: Request, res: Response) => {
    const origin = req.get("origin");
    const allowed = origin !== undefined && endpoint.origins().includes(origin);
    if (allowed) {
      res.set("Access-Control-Allow-Origin", origin);
      res.set("Access-Control-Expose-Headers", "Retry-After");
    }
    res.set("Vary", "Origin");
    res.set("Cache-Control", "no-store");

    if (req.method === "OPTIONS") {
      if (!allowed) return send(res, forbiddenOrigin());
      res.set("Access-Control-Allow-Methods", [...endpoint.methods, "OPTIONS"].join(", "));
      res.set("Access-Control-Allow-Headers", ALLOWED_HEADERS);
      res.set("Access-Control-Max-Age", "3600");
      res.status(204).end();
      return;
    }
    if (!(endpoint.methods as readonly string[]).includes(req.method)) {
      res.set("Allow", [...endpoint.methods, "OPTIONS"].join(", "));
      return send(
        res,
        errorAnswer(new AppError("METHOD_NOT_ALLOWED", `use ${endpoint.methods.join(" or ")}`), logError),
      );
    }

    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const ctx = contextOf(req, abort.signal);
    try {
      if (endpoint.stream && (await endpoint.stream(ctx, res))) return;
      send(res, await endpoint.handle(ctx));
    } catch (error) {
      if (res.headersSent) {
        logError(error);
        res.end();
        return;
      }
      send(res, errorAnswer(error, logError));
    }
  };
}

function contextOf(req: Request, signal: AbortSignal): RequestContext {
  const query: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(req.query)) query[key] = typeof value === "string" ? value : undefined;
  const trace = traceIdOf(req.get("x-cloud-trace-context"));
  return {
    method: req.method,
    path: req.path,
    query,
    header: (name) => req.get(name),
    body: req.body,
    bodyBytes: req.rawBody?.length ?? 0,
    ...(trace ? { trace } : {}),
    signal,
  };
}

function send(res: Response, answer: HttpAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.set(name, value);
  if (answer.body === undefined) res.status(answer.status).end();
  else res.status(answer.status).json(answer.body);
}

function forbiddenOrigin(): HttpAnswer {
  return { status: 403, body: { error: { code: "FORBIDDEN", message: "this origin is not allowed" } } };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
