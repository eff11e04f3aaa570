// What an admission reserves: the estimated cost of the job or turn at its model's price.
import type { ImageRequest, VideoRequest } from "@genai-platform/client/api";
import { estimateMicroUsd, platform, priceOf } from "@genai-platform/definition";

export type CostedRequest = { kind: "image"; request: ImageRequest } | { kind: "video"; request: VideoRequest };

/** An image job produces one image of its requested size; a video job its requested seconds. */
export function jobCostMicroUsd(job: CostedRequest, modelId: string): number {
  const price = priceOf(modelId);
  return job.kind === "image"
    ? estimateMicroUsd(price, { kind: "image", images: 1, imageSize: job.request.imageSize })
    : estimateMicroUsd(price, {
        kind: "video",
        seconds: job.request.durationSeconds,
        audio: job.request.generateAudio,
      });
}

/** An agent turn at the definition's declared token estimate (its real use is unknown before it runs). */
export function agentTurnCostMicroUsd(modelId: string): number {
  const tokens = platform.budget.agentTurnTokens;
  return estimateMicroUsd(priceOf(modelId), {
    kind: "agent",
    inputTokens: tokens.input,
    outputTokens: tokens.output,
  });
}
