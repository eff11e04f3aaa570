// The typed client of the generation API for the web app: generate, read a job, wait for it, read
// usage, talk to the creative director. Requests carry the caller's Firebase ID token; every answer
// is checked with the shared zod schemas; every failure is a ClientError. Browser-safe: global
// fetch and crypto, zod, nothing else.
import type { z } from "zod";
import {
  type Admitted,
  type AgentMessage,
  type AgentStreamEvent,
  type AgentTurnResponse,
  admittedSchema,
  agentStreamEventSchema,
  agentTurnRequestSchema,
  type CreativeBrief,
  imageRequestSchema,
  type JobKind,
  type JobView,
  jobViewSchema,
  type UsageView,
  usageViewSchema,
  videoRequestSchema,
} from "./api.ts";
import { CLIENT_CODES, ClientError, corsRefused, errorFromResponse } from "./errors.ts";
import { POLL_SCHEDULES, type PollSchedule, pollDelayMs } from "./poll.ts";
import { abortError, DEFAULT_RETRY, type RetryPolicy, sleep, withRetry } from "./retry.ts";
import { readSseFrames } from "./sse.ts";

export interface GenAiClientOptions {
  /** Where the functions live: `<baseUrl>/generateImage`, `<baseUrl>/getJob`, ... */
  baseUrl: string;
  /**
   * The signed-in user's Firebase ID token: `(force) => auth.currentUser.getIdToken(force)`. Called
   * with `true` once when the server answers TOKEN_EXPIRED (or TOKEN_REVOKED), before the request
   * is repeated.
   */
  getIdToken: (forceRefresh?: boolean) => Promise<string>;
  /**
   * A Firebase App Check token for the endpoints that spend, sent as `X-Firebase-AppCheck`:
   * `async () => (await getToken(appCheck)).token`, or `getLimitedUseToken` where the stack has
   * replay protection. Called for every attempt (a replay-protected token is good for one);
   * `undefined` sends no header. Absent: no header (a stack in `enforce` then refuses the request).
   */
  getAppCheckToken?: () => Promise<string | undefined>;
  fetch?: typeof fetch;
  /**
   * The page's origin, to tell a CORS refusal from a network failure; default `location.origin` in a
   * browser, none elsewhere (where there is no CORS).
   */
  pageOrigin?: string;
  /** Retries of busy/unavailable answers and lost connections; default 4 tries from 500 ms. */
  retry?: RetryPolicy;
  /** Overrides waitFor's pace per kind. */
  poll?: Partial<Record<JobKind, PollSchedule>>;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface GenerateOptions extends RequestOptions {
  /** Identifies this request across retries (and page reloads, if the app keeps it); default a new UUID. */
  idempotencyKey?: string;
}

export interface WaitOptions extends RequestOptions {
  /** Give up after this long with ClientError TIMEOUT; default per kind (10 min images, 30 min videos). */
  timeoutMs?: number;
  /** Called with the first view and whenever the status changes. */
  onUpdate?: (job: JobView) => void;
}

export interface ChatOptions extends RequestOptions {
  /** Every event of the turn as it arrives: text deltas, tool calls and their results, then `message`. */
  onEvent?: (event: AgentStreamEvent) => void;
  /** The structured brief the app collects next to the chat. */
  brief?: CreativeBrief;
}

export type ImageInput = z.input<typeof imageRequestSchema>;
export type VideoInput = z.input<typeof videoRequestSchema>;

export interface GenAiClient {
  /** The architecture's `ImageService.generate`: an image from a prompt (plus optional model settings). */
  generate(prompt: string, options?: GenerateOptions & Omit<ImageInput, "prompt">): Promise<Admitted>;
  generateImage(request: ImageInput, options?: GenerateOptions): Promise<Admitted>;
  generateVideo(request: VideoInput, options?: GenerateOptions): Promise<Admitted>;
  getJob(jobId: string, options?: RequestOptions): Promise<JobView>;
  getUsage(options?: RequestOptions): Promise<UsageView>;
  /** Polls getJob until the job succeeded or failed; resolves with that view. */
  waitFor(jobId: string, options?: WaitOptions): Promise<JobView>;
  /**
   * One creativeDirectorAgent turn over server-sent events: the whole conversation so far, ending
   * with the user's message. Resolves with the final message; an `error` event rejects with its
   * code. Aborting `signal` stops the turn on the server too.
   */
  chat(messages: readonly AgentMessage[], options?: ChatOptions): Promise<AgentTurnResponse>;
}

type FunctionName = "generateImage" | "generateVideo" | "getJob" | "getUsage" | "creativeDirectorAgent";

interface Exchange {
  fn: FunctionName;
  method: "GET" | "POST";
  accept?: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

interface Call<S extends z.ZodType> extends Exchange {
  schema: S;
}

/**
 * Answers a fresh ID token may cure. TOKEN_REVOKED too: a token issued before the account's
 * sessions were re-validated (an Auth emulator restarted with its accounts re-imported does that)
 * is refused as revoked while the refresh token still works; a session that was really revoked
 * fails the refresh itself, and the caller sees that error.
 */
const REFRESHABLE = new Set(["TOKEN_EXPIRED", "TOKEN_REVOKED"]);

/** The endpoints that check App Check (the ones that spend). */
const ATTESTED: ReadonlySet<FunctionName> = new Set(["generateImage", "generateVideo", "creativeDirectorAgent"]);

export function createGenAiClient(options: GenAiClientOptions): GenAiClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const retry = options.retry ?? DEFAULT_RETRY;
  const schedules = { ...POLL_SCHEDULES, ...options.poll };

  /** One request with the token; a 2xx Response, or a ClientError. TOKEN_EXPIRED refreshes once. */
  async function exchange(call: Exchange): Promise<Response> {
    const url = new URL(`${base}/${call.fn}`);
    for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
    for (let refreshed = false; ; refreshed = true) {
      const token = await options.getIdToken(refreshed);
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        Accept: call.accept ?? "application/json",
      };
      if (call.body !== undefined) headers["Content-Type"] = "application/json";
      if (options.getAppCheckToken && ATTESTED.has(call.fn)) {
        const appCheck = await options.getAppCheckToken();
        if (appCheck) headers["X-Firebase-AppCheck"] = appCheck;
      }
      let response: Response;
      try {
        response = await doFetch(url, {
          method: call.method,
          headers: { ...headers, ...call.headers },
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          ...(call.signal ? { signal: call.signal } : {}),
        });
      } catch (error) {
        if (call.signal?.aborted) throw abortError(call.signal);
        throw await networkFailure(call.fn, url, error);
      }
      if (response.ok) return response;
      const failure = await errorFromResponse(response);
      if (!REFRESHABLE.has(failure.code) || refreshed) throw failure;
    }
  }

  /**
   * A browser reports a CORS refusal exactly like an unreachable server (a TypeError). A no-cors GET
   * tells them apart: it gets an opaque answer from a server that is up, and fails when it is not.
   */
  async function networkFailure(fn: FunctionName, url: URL, error: unknown): Promise<ClientError> {
    const page = options.pageOrigin ?? (globalThis as { location?: { origin?: string } }).location?.origin;
    if (page && page !== "null" && page !== url.origin) {
      const reachable = await doFetch(url, { method: "GET", mode: "no-cors", credentials: "omit" }).then(
        () => true,
        () => false,
      );
      if (reachable) return corsRefused(page, url.origin, error);
    }
    return new ClientError({
      status: 0,
      code: CLIENT_CODES.network,
      message: `${fn} could not be reached`,
      cause: error,
    });
  }

  async function once<S extends z.ZodType>(call: Call<S>): Promise<z.infer<S>> {
    const response = await exchange(call);
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      if (call.signal?.aborted) throw abortError(call.signal);
      throw invalid(`${call.fn} answered something that is not JSON`, error);
    }
    const parsed = call.schema.safeParse(json);
    if (!parsed.success) throw invalid(`${call.fn} answered an unexpected shape`, parsed.error);
    return parsed.data;
  }

  async function chat(messages: readonly AgentMessage[], opts: ChatOptions = {}): Promise<AgentTurnResponse> {
    const body = agentTurnRequestSchema.safeParse({ messages, ...(opts.brief ? { brief: opts.brief } : {}) });
    if (!body.success) throw invalidArgument(body.error);
    // No retry once the turn is sent: the server charges a turn before the model runs. Busy and
    // unavailable answers (503) come before any charge and are retried.
    const response = await withRetry(retry, opts.signal, () =>
      exchange({
        fn: "creativeDirectorAgent",
        method: "POST",
        accept: "text/event-stream",
        body: body.data,
        ...signalOf(opts),
      }).catch((error: unknown) => {
        if (error instanceof ClientError && error.status !== 503) throw nonRetryable(error);
        throw error;
      }),
    );
    if (!response.body || !/^text\/event-stream\b/i.test(response.headers.get("content-type") ?? "")) {
      throw invalid("creativeDirectorAgent did not answer with an event stream", undefined);
    }
    try {
      for await (const frame of readSseFrames(response.body)) {
        let data: unknown;
        try {
          data = JSON.parse(frame.data);
        } catch (error) {
          throw invalid(`creativeDirectorAgent sent an event that is not JSON: ${frame.event}`, error);
        }
        const event = agentStreamEventSchema.safeParse(data);
        if (!event.success)
          throw invalid(`creativeDirectorAgent sent an unexpected event: ${frame.event}`, event.error);
        opts.onEvent?.(event.data);
        if (event.data.type === "message") {
          const { type: _type, ...answer } = event.data;
          return answer;
        }
        if (event.data.type === "error") {
          throw new ClientError({ status: 0, code: event.data.error.code, message: event.data.error.message });
        }
      }
    } catch (error) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      if (error instanceof ClientError) throw error;
      throw new ClientError({
        status: 0,
        code: CLIENT_CODES.network,
        message: "the creativeDirectorAgent stream broke off",
        cause: error,
      });
    }
    if (opts.signal?.aborted) throw abortError(opts.signal);
    throw new ClientError({
      status: 0,
      code: CLIENT_CODES.network,
      message: "the creativeDirectorAgent stream ended before its final message",
    });
  }

  const request = <S extends z.ZodType>(call: Call<S>) => withRetry(retry, call.signal, () => once(call));

  function generate(
    fn: "generateImage" | "generateVideo",
    schema: typeof imageRequestSchema | typeof videoRequestSchema,
    input: unknown,
    opts: GenerateOptions,
  ): Promise<Admitted> {
    // Checked here too, so a form gets the server's answer (code and field) without a round trip.
    const body = schema.safeParse(input);
    if (!body.success) return Promise.reject(invalidArgument(body.error));
    // One key for every try of this call: a retry after a lost answer returns the same job, charged once.
    const key = opts.idempotencyKey ?? globalThis.crypto.randomUUID();
    return request({
      fn,
      method: "POST",
      schema: admittedSchema,
      body: body.data,
      headers: { "Idempotency-Key": key },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  const getJob = (jobId: string, opts: RequestOptions = {}) =>
    request({ fn: "getJob", method: "GET", schema: jobViewSchema, query: { jobId }, ...signalOf(opts) });

  async function waitFor(jobId: string, opts: WaitOptions = {}): Promise<JobView> {
    const deadline = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        const message = `job ${jobId} did not finish within ${ms} ms`;
        deadline.abort(new ClientError({ status: 0, code: CLIENT_CODES.timeout, message }));
      }, ms);
    };
    if (opts.timeoutMs !== undefined) arm(opts.timeoutMs);
    let schedule: PollSchedule | undefined;
    let lastStatus: string | undefined;
    try {
      for (let poll = 0; ; poll++) {
        let waitAtLeastMs = 0;
        try {
          const view = await once({ fn: "getJob", method: "GET", schema: jobViewSchema, query: { jobId }, signal });
          if (!schedule) {
            schedule = schedules[view.kind];
            if (opts.timeoutMs === undefined) arm(schedule.timeoutMs);
          }
          if (view.status !== lastStatus) opts.onUpdate?.(view);
          lastStatus = view.status;
          if (view.status === "succeeded" || view.status === "failed") return view;
        } catch (error) {
          // A busy or unreachable server is waited out at the poll pace; anything else ends the wait.
          if (!(error instanceof ClientError) || !error.retryable) throw error;
          waitAtLeastMs = (error.retryAfterSeconds ?? 0) * 1000;
        }
        await sleep(Math.max(waitAtLeastMs, pollDelayMs(schedule ?? schedules.image, poll)), signal);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    generate: (prompt, opts = {}) => {
      const { aspectRatio, imageSize, ...callOptions } = opts;
      const input: ImageInput = {
        prompt,
        ...(aspectRatio !== undefined ? { aspectRatio } : {}),
        ...(imageSize !== undefined ? { imageSize } : {}),
      };
      return generate("generateImage", imageRequestSchema, input, callOptions);
    },
    generateImage: (input, opts = {}) => generate("generateImage", imageRequestSchema, input, opts),
    generateVideo: (input, opts = {}) => generate("generateVideo", videoRequestSchema, input, opts),
    getJob,
    getUsage: (opts = {}) => request({ fn: "getUsage", method: "GET", schema: usageViewSchema, ...signalOf(opts) }),
    waitFor,
    chat,
  };
}

function signalOf(opts: RequestOptions): { signal?: AbortSignal } {
  return opts.signal ? { signal: opts.signal } : {};
}

/** The server's INVALID_ARGUMENT answer, produced locally from the shared schema. */
function invalidArgument(error: z.ZodError): ClientError {
  const issue = error.issues[0];
  const field = issue?.path.join(".") || undefined;
  return new ClientError({
    status: 400,
    code: "INVALID_ARGUMENT",
    message: `${field ?? "body"}: ${issue?.message ?? "invalid"}`,
    ...(field ? { field } : {}),
  });
}

/** The same error, marked so withRetry gives up on it (a lost answer may already have been charged). */
function nonRetryable(error: ClientError): ClientError {
  return new ClientError({
    status: error.status,
    code: error.code,
    message: error.message,
    ...(error.field !== undefined ? { field: error.field } : {}),
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    cause: error.cause,
    retryable: false,
  });
}

function invalid(message: string, cause: unknown): ClientError {
  return new ClientError({ status: 0, code: CLIENT_CODES.invalidResponse, message, cause });
}
