// ImageModel on Gemini image generation through @google/genai (Vertex AI): one generateContent call
// asking for an IMAGE modality, its final inline image returned; every failure becomes a ModelError.

import type { ImageRequest } from "@genai-platform/client/api";
import type { GenerateContentResponse, GoogleGenAI } from "@google/genai";
import { ModelError } from "../../domain/errors.ts";
import type { GeneratedImage, ImageModel } from "../../ports/index.ts";
import { deadline, MODEL_ERROR_CODES, toModelError } from "./model-errors.ts";

export interface VertexImageModelOptions {
  genai: GoogleGenAI;
  /** Model id: the stack's choice for image (the definition's default unless overridden). */
  model: string;
  /** Vertex AI location the client was created for; named in configuration errors. */
  location?: string;
  /** Deadline of one call, below the worker's own timeout so the job can still be marked. Default 120 s. */
  timeoutMs?: number;
}

/** Finish reasons that mean a filter refused the prompt or the output: retrying cannot help. */
const SAFETY_FINISH_REASONS: ReadonlySet<string> = new Set([
  "SAFETY",
  "PROHIBITED_CONTENT",
  "BLOCKLIST",
  "SPII",
  "RECITATION",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

const WHAT = "the image model";

export class VertexImageModel implements ImageModel {
  private readonly genai: GoogleGenAI;
  private readonly model: string;
  private readonly location: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: VertexImageModelOptions) {
    this.genai = options.genai;
    this.model = options.model;
    this.location = options.location;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  async generate(request: ImageRequest, options: { signal?: AbortSignal } = {}): Promise<GeneratedImage> {
    const signal = deadline(this.timeoutMs, options.signal);
    let response: GenerateContentResponse;
    try {
      response = await this.genai.models.generateContent({
        model: this.model,
        contents: [{ role: "user", parts: [{ text: request.prompt }] }],
        config: {
          abortSignal: signal,
          responseModalities: ["IMAGE"],
          imageConfig: { aspectRatio: request.aspectRatio, imageSize: request.imageSize },
        },
      });
    } catch (error) {
      throw toModelError(error, WHAT, signal, {
        model: this.model,
        ...(this.location ? { location: this.location } : {}),
      });
    }
    return finalImage(response);
  }
}

/**
 * The final image of the answer, or the ModelError that explains why there is none. Gemini 3 Pro
 * Image thinks before it answers and may return up to two interim images in parts marked
 * `thought: true`; the rendered image is the last image part that is not a thought.
 * Source: https://ai.google.dev/gemini-api/docs/image-generation#thinking-process
 */
export function finalImage(response: GenerateContentResponse): GeneratedImage {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason) {
    throw new ModelError(MODEL_ERROR_CODES.safetyBlocked, "the prompt was blocked by safety filters", false, {
      blockReason,
    });
  }
  const candidate = response.candidates?.[0];
  // Checked before the parts: an image that came with a safety stop is not handed out.
  const finishReason = candidate?.finishReason;
  if (finishReason && SAFETY_FINISH_REASONS.has(finishReason)) {
    throw new ModelError(MODEL_ERROR_CODES.safetyBlocked, "the image was blocked by safety filters", false, {
      finishReason,
    });
  }
  const images = (candidate?.content?.parts ?? []).filter(
    (part) => part.thought !== true && part.inlineData?.data && part.inlineData.mimeType?.startsWith("image/"),
  );
  const inline = images.at(-1)?.inlineData;
  if (inline?.data && inline.mimeType) {
    return { data: new Uint8Array(Buffer.from(inline.data, "base64")), mimeType: inline.mimeType };
  }
  throw new ModelError(MODEL_ERROR_CODES.noOutput, "the image model returned no image", false, {
    finishReason,
  });
}
