// A local stand-in for the Vertex AI endpoints this project calls, speaking their v1beta1 wire format
// so the real @google/genai and @ai-sdk/google-vertex clients run against it with no cloud.
//
// Routes (POST; `/v1/` works too; P any; MODEL the model id and L the location in the path). Only the
// (MODEL, L) pairs the platform definition lists as served (definition/src/models.ts) answer; any
// other pair gets Vertex's own 404 NOT_FOUND "Publisher Model `…` was not found or your project does
// not have access to it.", as an unknown, retired or wrongly located model does on Vertex AI.
//   /v1beta1/projects/P/locations/L/publishers/google/models/MODEL:generateContent
//     - an image model, or any request with responseModalities IMAGE: a deterministic PNG (pngjs);
//       colours and pattern from sha256(prompt), 256 px on the long side, shaped by
//       generationConfig.imageConfig.aspectRatio; finishReason STOP. Same prompt, same bytes. Gemini 3
//       Pro Image thinks first: its answer starts with a thought text and an interim image (another
//       PNG, of "[draft] " + prompt) in parts marked `thought: true`, the final image last.
//     - any other model: the scripted agent (see agent-script.ts for the rules: tool calls to
//       requestImage/requestVideo when the user asks for an image/video, a summary after a
//       functionResponse, else "Concept: ... Shot list: 1. 2. 3."), with usageMetadata token counts.
//   .../models/MODEL:streamGenerateContent?alt=sse  the same replies as SSE `data:` chunks: text in
//     several deltas, a function call in its own chunk, finishReason and usageMetadata last.
//     Function calls carry a thoughtSignature, as Gemini 3's do.
//   .../models/MODEL:countTokens  body {contents}: {totalTokens} (text length / 4), outside the
//     generation stats and quotas; the preflight's check that a model is served there.
//   GET /v1beta1/publishers/google/models/MODEL  the publisher model (name, versionId, launchStage) for
//     a model the catalog lists in any location, else the same 404.
//   .../models/MODEL:predictLongRunning   starts a Veo operation -> {name: ".../operations/<id>"}.
//   .../models/MODEL:fetchPredictOperation  body {operationName}: {done:false} for the first
//     `pollsUntilDone` polls (default 3), then done with response.videos[0].gcsUri =
//     `<storageUri>sample_0.mp4`. With `storageBaseUrl`, the bytes (an `ftyp`-headed MP4 stub) are
//     uploaded there with the GCS JSON API media upload, as Veo writes straight into the bucket;
//     without it they are only recorded (stats().videos). No storageUri: bytes inline.
// Prompt markers (the last user text, or the Veo prompt):
//   "[safety]..."  always blocked: image -> candidate finishReason IMAGE_SAFETY; agent -> finishReason
//                  SAFETY; Veo -> operation done with raiMediaFilteredCount 1 and a reason.
//   "[fail]..."    Veo only: the operation ends done with error {code: 13}.
// Quota: per model, the requests per minute its catalog row states (Veo: 50 or 10), over a rolling
//   minute, polls included; and `quotaPerSecond` (default unlimited) admits that many model requests
//   (any model) per rolling 1 s window — or, with `quotaBurst`, through a token bucket of that rate
//   and size. The rest answer 429 RESOURCE_EXHAUSTED in Google's error JSON.
// Faults (after the quota check): faults.push({model?, promptIncludes?, status?, delayMs?, safety?, times?}) or
//   POST /__control/faults with the same JSON (or an array). The first matching fault is used: wait
//   delayMs, then answer `status` with Google's error JSON, or a safety block (images and agent:
//   promptFeedback.blockReason SAFETY; Veo start or poll: the operation ends filtered), or normally.
// Calls: `calls` (in process) logs every model call with its prompt, start, end and outcome (the
//   status answered, or `abandoned` when the caller's connection closed first, as a killed worker's
//   does); `calls.waitFor(match)` resolves once a matching call is in flight.
// Control: GET /__control/stats -> {requests, ok, rejected429, failed, byModel, videos};
//   POST /__control/reset clears faults, stats and the quota window (operations are kept).
// Errors: unknown path or operation 404, wrong method 405, malformed JSON 400, all as
//   {"error":{"code","message","status"}}.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { platform, type VertexModelDefinition } from "@genai-platform/definition";
import { TokenBucket } from "limiter";
import { agentReply, type GeminiRequest, lastUserText, tokens } from "./agent-script.ts";
import { CallLog } from "./call-log.ts";
import { FaultQueue, type VertexFault, vertexFaultSchema } from "./faults.ts";
import { digest, promptPng } from "./media.ts";
import { VeoOperations, type VeoStartRequest } from "./veo-operations.ts";

export type { ModelCall } from "./call-log.ts";
export type { VertexFault } from "./faults.ts";

export interface VertexServerOptions {
  /** Port on 127.0.0.1; default 0 (a free one). */
  port?: number;
  /** Polls a Veo operation answers `done: false` before it completes; default 3. */
  pollsUntilDone?: number;
  /** Base URL of a Cloud Storage JSON API server that receives Veo's videos; unset: only recorded. */
  storageBaseUrl?: string;
  /** Model requests admitted per rolling second across all models; default unlimited. */
  quotaPerSecond?: number;
  /**
   * With a burst, the quota is a token bucket instead (starting full, `quotaPerSecond` tokens per
   * second, at most `quotaBurst`): the shape of a provisioned quota that allows short bursts. A
   * queue with the same rate and burst then never exceeds it, whereas a strict 1 s window would
   * reject the burst a Cloud Tasks queue legitimately sends after being idle.
   */
  quotaBurst?: number;
  /** The models served and where; default the platform definition's catalog. */
  catalog?: readonly VertexModelDefinition[];
}

export interface ModelStats {
  requests: number;
  ok: number;
  rejected429: number;
  failed: number;
}

export interface VertexStats extends ModelStats {
  byModel: Record<string, ModelStats>;
  /** gs:// URIs of the videos Veo operations produced. */
  videos: string[];
}

/** A model request as received, for tests that check what a client sent. */
export interface RecordedRequest {
  model: string;
  method: string;
  body: unknown;
}

export interface VertexServer {
  /** `http://127.0.0.1:PORT`: the SDK's `httpOptions.baseUrl`. */
  url: string;
  stop(): Promise<void>;
  stats(): VertexStats;
  faults: FaultQueue;
  /** The last RECENT_REQUESTS model requests with parsed bodies, oldest first. */
  recent(): RecordedRequest[];
  /** Every model call since the start (or the last reset), with its start, end and outcome. */
  calls: CallLog;
}

const RECENT_REQUESTS = 50;

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  408: "DEADLINE_EXCEEDED",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "NOT_IMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const MODEL_ROUTE =
  /^\/v1(?:beta1)?\/(projects\/[^/]+\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+)):([A-Za-z]+)$/;
const MODEL_METHODS = new Set([
  "generateContent",
  "streamGenerateContent",
  "predictLongRunning",
  "fetchPredictOperation",
  "countTokens",
]);
const PUBLISHER_MODEL_ROUTE = /^\/v1(?:beta1)?\/(publishers\/google\/models\/([^/:]+))$/;
const MAX_BODY_BYTES = 20 * 1024 * 1024;

class HttpFailure extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

// Vertex's words for a model it does not serve there (or at all, or not to this project).
// Source: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions
const notServed = (modelPath: string) =>
  `Publisher Model \`${modelPath}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`;

function googleError(status: number, message: string) {
  return {
    error: {
      code: status,
      message,
      status: STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION"),
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpFailure(413, "Request payload size exceeds the limit.");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new HttpFailure(400, "Invalid JSON payload received.");
  }
}

function emptyStats(): ModelStats {
  return { requests: 0, ok: 0, rejected429: 0, failed: 0 };
}

export async function startVertexServer(options: VertexServerOptions = {}): Promise<VertexServer> {
  const catalog: readonly VertexModelDefinition[] = options.catalog ?? platform.models;
  const faults = new FaultQueue();
  const calls = new CallLog();
  const operations = new VeoOperations({
    pollsUntilDone: options.pollsUntilDone ?? 3,
    storageBaseUrl: options.storageBaseUrl,
  });
  const stopping = new AbortController();
  let totals = emptyStats();
  let byModel: Record<string, ModelStats> = {};
  /** Admission times of model requests within the last second (the rolling quota window). */
  let admitted: number[] = [];
  /** Per model, admission times within the last minute (its stated per-minute quota). */
  let admittedThisMinute: Record<string, number[]> = {};
  const recent: RecordedRequest[] = [];

  function modelStats(model: string): ModelStats {
    const existing = byModel[model];
    if (existing) return existing;
    const created = emptyStats();
    byModel[model] = created;
    return created;
  }

  function count(model: string, status: number): void {
    for (const stats of [totals, modelStats(model)]) {
      if (status >= 200 && status < 300) stats.ok += 1;
      else if (status === 429) stats.rejected429 += 1;
      else stats.failed += 1;
    }
  }

  const bucket =
    options.quotaPerSecond !== undefined && options.quotaBurst !== undefined
      ? new TokenBucket({
          bucketSize: options.quotaBurst,
          tokensPerInterval: options.quotaPerSecond,
          interval: "second",
        })
      : undefined;
  if (bucket) bucket.content = bucket.bucketSize;

  function overModelQuota(modelId: string): boolean {
    const perMinute = catalog.find((m) => m.id === modelId)?.quota.requestsPerMinute;
    if (perMinute === undefined) return false;
    const now = performance.now();
    const recentTimes = (admittedThisMinute[modelId] ?? []).filter((t) => now - t < 60_000);
    admittedThisMinute[modelId] = recentTimes;
    if (recentTimes.length >= perMinute) return true;
    recentTimes.push(now);
    return false;
  }

  function overQuota(): boolean {
    if (bucket) return !bucket.tryRemoveTokens(1);
    if (options.quotaPerSecond === undefined) return false;
    const now = performance.now();
    admitted = admitted.filter((t) => now - t < 1000);
    if (admitted.length >= options.quotaPerSecond) return true;
    admitted.push(now);
    return false;
  }

  function stats(): VertexStats {
    const copy: Record<string, ModelStats> = {};
    for (const [model, s] of Object.entries(byModel)) copy[model] = { ...s };
    return { ...totals, byModel: copy, videos: [...operations.videos] };
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=UTF-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  }

  function sendSse(res: ServerResponse, chunks: unknown[]): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
    res.end();
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === "/__control/stats") {
      if (req.method !== "GET") throw new HttpFailure(405, "Use GET.");
      return sendJson(res, 200, stats());
    }
    if (req.method !== "POST") throw new HttpFailure(405, "Use POST.");
    if (path === "/__control/faults") {
      const body = parseJson(await readBody(req));
      const parsed = vertexFaultSchema.array().safeParse(Array.isArray(body) ? body : [body]);
      if (!parsed.success)
        throw new HttpFailure(400, `Invalid fault: ${parsed.error.issues[0]?.message ?? "bad shape"}`);
      faults.push(...parsed.data);
      return sendJson(res, 200, { pending: faults.pending() });
    }
    if (path === "/__control/reset") {
      faults.clear();
      calls.clear();
      totals = emptyStats();
      byModel = {};
      admitted = [];
      admittedThisMinute = {};
      return sendJson(res, 200, { reset: true });
    }
    throw new HttpFailure(404, `No control route ${path}.`);
  }

  function imageAnswer(
    request: GeminiRequest,
    fault: VertexFault | undefined,
    thinks: boolean,
  ): Record<string, unknown> {
    const prompt = lastUserText(request).text;
    // 1290 output tokens is what Gemini image models bill for one image up to 1K.
    const usage = {
      promptTokenCount: tokens(prompt),
      candidatesTokenCount: 1290,
      totalTokenCount: tokens(prompt) + 1290,
    };
    if (fault?.safety) return { promptFeedback: { blockReason: "SAFETY" }, usageMetadata: usage };
    if (prompt.startsWith("[safety]")) {
      return { candidates: [{ index: 0, finishReason: "IMAGE_SAFETY" }], usageMetadata: usage };
    }
    const aspectRatio = request.generationConfig?.imageConfig?.aspectRatio;
    const png = promptPng(prompt, aspectRatio);
    const image = (data: Buffer) => ({ inlineData: { mimeType: "image/png", data: data.toString("base64") } });
    const final = { ...image(png), thoughtSignature: digest(`final:${prompt}`).toString("base64") };
    // Thoughts carry no signature; the final image part does.
    // Source: https://ai.google.dev/gemini-api/docs/image-generation#thought-signatures
    const parts = thinks
      ? [
          { text: "Composing the shot before rendering it.", thought: true },
          { ...image(promptPng(`[draft] ${prompt}`, aspectRatio)), thought: true },
          final,
        ]
      : [final];
    return {
      candidates: [{ index: 0, content: { role: "model", parts }, finishReason: "STOP" }],
      usageMetadata: usage,
    };
  }

  function agentChunks(
    request: GeminiRequest,
    fault: VertexFault | undefined,
    stream: boolean,
  ): Record<string, unknown>[] {
    const promptTokens = tokens(
      JSON.stringify(request.contents ?? []) + JSON.stringify(request.systemInstruction ?? ""),
    );
    const usage = (output: number) => ({
      promptTokenCount: promptTokens,
      candidatesTokenCount: output,
      totalTokenCount: promptTokens + output,
    });
    if (fault?.safety) return [{ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: usage(0) }];
    const reply = agentReply(request);
    if (reply.kind === "blocked") {
      return [
        {
          candidates: [
            {
              index: 0,
              finishReason: "SAFETY",
              safetyRatings: [{ category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true }],
            },
          ],
          usageMetadata: usage(0),
        },
      ];
    }
    const candidate = (parts: unknown[] | undefined, finish: boolean) => ({
      index: 0,
      ...(parts ? { content: { role: "model", parts } } : {}),
      ...(finish ? { finishReason: "STOP" } : {}),
    });
    if (reply.kind === "functionCall") {
      const output = tokens(JSON.stringify(reply.args));
      // Gemini 3 signs its function calls and expects the signature back when the call is replayed.
      const thoughtSignature = digest(JSON.stringify(reply)).toString("base64");
      const call = { functionCall: { name: reply.name, args: reply.args }, thoughtSignature };
      if (!stream) return [{ candidates: [candidate([call], true)], usageMetadata: usage(output) }];
      return [
        { candidates: [candidate([call], false)] },
        { candidates: [candidate(undefined, true)], usageMetadata: usage(output) },
      ];
    }
    const output = tokens(reply.text);
    if (!stream) return [{ candidates: [candidate([{ text: reply.text }], true)], usageMetadata: usage(output) }];
    const deltas = splitText(reply.text, 4);
    return deltas.map((delta, i) =>
      i === deltas.length - 1
        ? { candidates: [candidate([{ text: delta }], true)], usageMetadata: usage(output) }
        : { candidates: [candidate([{ text: delta }], false)] },
    );
  }

  async function model(req: IncomingMessage, res: ServerResponse, url: URL, route: RegExpExecArray): Promise<void> {
    const [, modelPath = "", location = "", modelId = "", method = ""] = route;
    if (!MODEL_METHODS.has(method)) throw new HttpFailure(404, `Method ${method} is not supported here.`);
    if (req.method !== "POST") throw new HttpFailure(405, `Use POST for :${method}.`);
    const served = catalog.find((m) => m.id === modelId);
    if (!served?.locations.includes(location)) {
      throw new HttpFailure(404, notServed(modelPath));
    }
    if (method === "countTokens") {
      // A count generates nothing: kept out of the generation stats and quotas.
      // Source: https://cloud.google.com/vertex-ai/docs/generative-ai/multimodal/get-token-count
      const contents = (parseJson(await readBody(req)) as { contents?: unknown } | null)?.contents;
      return sendJson(res, 200, { totalTokens: Math.max(1, Math.ceil(JSON.stringify(contents ?? "").length / 4)) });
    }
    totals.requests += 1;
    modelStats(modelId).requests += 1;
    const answer = (status: number, body: unknown) => {
      count(modelId, status);
      sendJson(res, status, body);
    };
    let body: unknown;
    try {
      body = parseJson(await readBody(req));
    } catch (error) {
      const failure = error instanceof HttpFailure ? error : new HttpFailure(400, "Unreadable request.");
      return answer(failure.status, googleError(failure.status, failure.message));
    }
    const subject = callSubject(method, body);
    calls.record(modelId, method, subject, res);
    recent.push({ model: modelId, method, body });
    if (recent.length > RECENT_REQUESTS) recent.shift();
    if (overModelQuota(modelId) || overQuota()) {
      return answer(
        429,
        googleError(
          429,
          "Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.",
        ),
      );
    }
    const fault = faults.take(modelId, subject);
    if (fault?.delayMs) {
      try {
        await sleep(fault.delayMs, undefined, { signal: stopping.signal });
      } catch {
        res.destroy();
        return;
      }
    }
    if (fault?.status) return answer(fault.status, googleError(fault.status, `Injected fault (${fault.status}).`));

    if (method === "predictLongRunning") {
      const start = (body ?? {}) as VeoStartRequest;
      const prompt = start.instances?.[0]?.prompt ?? "";
      const outcome =
        fault?.safety || prompt.startsWith("[safety]") ? "filtered" : prompt.startsWith("[fail]") ? "error" : "video";
      return answer(200, operations.start(modelPath, start, outcome));
    }
    if (method === "fetchPredictOperation") {
      const name = (body as { operationName?: unknown } | null)?.operationName;
      if (typeof name !== "string" || !operations.has(name)) {
        return answer(404, googleError(404, `Operation ${String(name)} not found.`));
      }
      if (fault?.safety) operations.filter(name);
      return answer(200, await operations.poll(name));
    }
    const request = (body ?? {}) as GeminiRequest;
    const wantsImage = served.kind === "image" || request.generationConfig?.responseModalities?.includes("IMAGE");
    const stream = method === "streamGenerateContent";
    const thinks = modelId.startsWith("gemini-3-pro-image");
    const chunks = wantsImage ? [imageAnswer(request, fault, thinks)] : agentChunks(request, fault, stream);
    count(modelId, 200);
    if (stream && url.searchParams.get("alt") === "sse") return sendSse(res, chunks);
    // Without alt=sse, Google streams one JSON array of responses.
    return sendJson(res, 200, stream ? chunks : chunks[0]);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const handle = async () => {
      if (url.pathname.startsWith("/__control/")) return control(req, res, url.pathname);
      const publisherModel = PUBLISHER_MODEL_ROUTE.exec(url.pathname);
      if (publisherModel && req.method === "GET") {
        const [, name = "", modelId = ""] = publisherModel;
        const known = catalog.find((m) => m.id === modelId);
        if (!known) throw new HttpFailure(404, notServed(name));
        return sendJson(res, 200, {
          name,
          versionId: "001",
          launchStage: known.stage === "ga" ? "GA" : "PUBLIC_PREVIEW",
        });
      }
      const route = MODEL_ROUTE.exec(url.pathname);
      if (!route) throw new HttpFailure(404, `The requested URL ${url.pathname} was not found on this server.`);
      return model(req, res, url, route);
    };
    handle().catch((error: unknown) => {
      const status = error instanceof HttpFailure ? error.status : 500;
      const message = error instanceof HttpFailure ? error.message : "Internal error in the local Vertex AI server.";
      sendJson(res, status, googleError(status, message));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    calls,
    stats,
    recent: () => [...recent],
    stop: async () => {
      stopping.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a call is about, for telling one job's calls from another's: its prompt or its operation. */
function callSubject(method: string, body: unknown): string {
  if (method === "fetchPredictOperation") return String((body as { operationName?: unknown } | null)?.operationName);
  if (method === "predictLongRunning") return (body as VeoStartRequest | null)?.instances?.[0]?.prompt ?? "";
  return lastUserText((body ?? {}) as GeminiRequest).text;
}

/** Splits text into about `parts` deltas at word boundaries; concatenated they give the text back. */
export function splitText(text: string, parts: number): string[] {
  const words = text.split(/(?<=\s)/);
  const size = Math.max(1, Math.ceil(words.length / parts));
  const deltas: string[] = [];
  for (let i = 0; i < words.length; i += size) deltas.push(words.slice(i, i + size).join(""));
  return deltas.length > 0 ? deltas : [text];
}
