// VideoModel on Veo through @google/genai (Vertex AI): start a long-running operation that writes
// straight into the media bucket, and read its state. Errors become ModelError, never raw bodies.

import type { VideoRequest } from "@genai-platform/client/api";
import { GenerateVideosOperation, type GoogleGenAI } from "@google/genai";
import { ModelError } from "../../domain/errors.ts";
import type { VideoModel, VideoOperationState } from "../../ports/index.ts";
import { raceAbort } from "../system/race-abort.ts";
import { deadline, MODEL_ERROR_CODES, toModelError } from "./model-errors.ts";

export interface VeoVideoModelOptions {
  genai: GoogleGenAI;
  /** Model id: the stack's choice for video (the definition's default unless overridden). */
  model: string;
  /** Vertex AI location the client was created for; named in configuration errors. */
  location?: string;
  /** Deadline of one call; both calls are short (Veo works in the background). Default 30 s. */
  timeoutMs?: number;
}

const WHAT = "the video model";

/** A finished operation's outcome, from the SDK's (already Vertex-mapped) operation object. */
export function operationState(operation: GenerateVideosOperation): VideoOperationState {
  if (!operation.done) return { done: false };
  if (operation.error) {
    // The upstream message can carry internal detail; the job keeps only the numeric code.
    const code = typeof operation.error.code === "number" ? ` (code ${operation.error.code})` : "";
    return { done: true, error: { code: "VIDEO_OPERATION_FAILED", message: `the video operation failed${code}` } };
  }
  const response = operation.response;
  const videos = (response?.generatedVideos ?? [])
    .map((generated) => generated.video)
    .filter((video): video is { uri: string; mimeType?: string } => typeof video?.uri === "string")
    .map((video) => ({ uri: video.uri, mimeType: video.mimeType ?? "video/mp4" }));
  if (videos.length > 0) return { done: true, videos };
  const reasons = response?.raiMediaFilteredReasons?.filter((r) => r.length > 0) ?? [];
  const filtered = (response?.raiMediaFilteredCount ?? 0) > 0 || reasons.length > 0;
  return {
    done: true,
    filtered: filtered
      ? `the video was blocked by safety filters${reasons.length ? `: ${reasons.join("; ")}` : ""}`
      : "the video model returned no video",
  };
}

export class VeoVideoModel implements VideoModel {
  private readonly genai: GoogleGenAI;
  private readonly model: string;
  private readonly location: string | undefined;

  private target() {
    return { model: this.model, ...(this.location ? { location: this.location } : {}) };
  }
  private readonly timeoutMs: number;

  constructor(options: VeoVideoModelOptions) {
    this.genai = options.genai;
    this.model = options.model;
    this.location = options.location;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async start(
    request: VideoRequest,
    options: { outputUri: string; signal?: AbortSignal },
  ): Promise<{ operationName: string }> {
    const signal = deadline(this.timeoutMs, options.signal);
    let operation: GenerateVideosOperation;
    try {
      operation = await this.genai.models.generateVideos({
        model: this.model,
        source: { prompt: request.prompt },
        config: {
          abortSignal: signal,
          numberOfVideos: 1,
          outputGcsUri: options.outputUri,
          aspectRatio: request.aspectRatio,
          durationSeconds: request.durationSeconds,
          resolution: request.resolution,
          generateAudio: request.generateAudio,
          ...(request.negativePrompt ? { negativePrompt: request.negativePrompt } : {}),
        },
      });
    } catch (error) {
      throw toModelError(error, WHAT, signal, this.target());
    }
    if (!operation.name) {
      throw new ModelError(MODEL_ERROR_CODES.unavailable, "the video model returned no operation", true);
    }
    return { operationName: operation.name };
  }

  async poll(operationName: string, options: { signal?: AbortSignal } = {}): Promise<VideoOperationState> {
    const signal = deadline(this.timeoutMs, options.signal);
    const operation = new GenerateVideosOperation();
    operation.name = operationName;
    try {
      // On Vertex AI, getVideosOperation forwards only `httpOptions` (not `abortSignal`) to
      // fetchPredictOperation: the HTTP timeout bounds the request, the race honours the caller.
      const polled = this.genai.operations.getVideosOperation({
        operation,
        config: { httpOptions: { timeout: this.timeoutMs } },
      });
      return operationState(await raceAbort(polled, signal));
    } catch (error) {
      throw toModelError(error, WHAT, signal, this.target());
    }
  }
}
