// The typed client of the generation API for the web app: generate, read a job, wait for it, read
// usage. Requests carry the caller's Firebase ID token; every answer is checked with the shared zod
// schemas; every failure is a ClientError. Browser-safe: global fetch and crypto, zod, nothing else.
import type { z } from "zod";
import {
  type Admitted,
  admittedSchema,
  imageRequestSchema,
  type JobKind,
  type JobView,
  jobViewSchema,
  type UsageView,
  usageViewSchema,
  videoRequestSchema,
} from "./api.ts";
import { CLIENT_CODES, ClientError, errorFromResponse } from "./errors.ts";
import { POLL_SCHEDULES, type PollSchedule, pollDelayMs } from "./poll.ts";
import { abortError, DEFAULT_RETRY, type RetryPolicy, sleep, withRetry } from "./retry.ts";

export interface GenAiClientOptions {
  /** Where the functions live: `<baseUrl>/generateImage`, `<baseUrl>/getJob`, ... */
  baseUrl: string;
  /** The signed-in user's current Firebase ID token (e.g. `() => auth.currentUser.getIdToken()`). */
  getIdToken: () => Promise<string>;
  fetch?: typeof fetch;
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
}

interface Call<S extends z.ZodType> {
  fn: "generateImage" | "generateVideo" | "getJob" | "getUsage";
  method: "GET" | "POST";
  schema: S;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function createGenAiClient(options: GenAiClientOptions): GenAiClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const retry = options.retry ?? DEFAULT_RETRY;
  const schedules = { ...POLL_SCHEDULES, ...options.poll };

  async function once<S extends z.ZodType>(call: Call<S>): Promise<z.infer<S>> {
    const token = await options.getIdToken();
    const url = new URL(`${base}/${call.fn}`);
    for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    let json: unknown;
    try {
      const response = await doFetch(url, {
        method: call.method,
        headers: { ...headers, ...call.headers },
        ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
      });
      if (!response.ok) throw await errorFromResponse(response);
      json = await response.json().catch((error: unknown) => {
        throw invalid(`${call.fn} answered something that is not JSON`, error);
      });
    } catch (error) {
      if (error instanceof ClientError) throw error;
      if (call.signal?.aborted) throw abortError(call.signal);
      throw new ClientError({
        status: 0,
        code: CLIENT_CODES.network,
        message: `${call.fn} could not be reached`,
        cause: error,
      });
    }
    const parsed = call.schema.safeParse(json);
    if (!parsed.success) throw invalid(`${call.fn} answered an unexpected shape`, parsed.error);
    return parsed.data;
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
    if (!body.success) {
      const issue = body.error.issues[0];
      const field = issue?.path.join(".") || undefined;
      return Promise.reject(
        new ClientError({
          status: 400,
          code: "INVALID_ARGUMENT",
          message: `${field ?? "body"}: ${issue?.message ?? "invalid"}`,
          ...(field ? { field } : {}),
        }),
      );
    }
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
  };
}

function signalOf(opts: RequestOptions): { signal?: AbortSignal } {
  return opts.signal ? { signal: opts.signal } : {};
}

function invalid(message: string, cause: unknown): ClientError {
  return new ClientError({ status: 0, code: CLIENT_CODES.invalidResponse, message, cause });
}
