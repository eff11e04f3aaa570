// The Vertex AI models this platform may call, and where Google serves each one. Every row cites the
// Google page it comes from; a (model, location) pair not listed here is refused by the stack config
// and by the local Vertex AI stand-in, exactly as Vertex answers it (404 NOT_FOUND). Pure data.
import type { DeepReadonly, ModelChoices, VertexModelDefinition } from "./schema.ts";

// Gemini 3 models run on Dynamic Shared Quota: no per-project request quota to declare, and a 429
// RESOURCE_EXHAUSTED can come at any load, to be retried with backoff.
// Source: https://cloud.google.com/vertex-ai/generative-ai/docs/resources/throughput-quota
const SHARED = { sharedPool: true } as const;

// Google publishes no latency for these models; each figure is an assumption, stated as one, that
// the capacity table and its validation (Little's law) rest on. Measure and replace.
const IMAGE_LATENCY = "assumption, ~10 s per image; Google publishes none";
const VEO_CALL_LATENCY =
  "assumption, ~2 s per start or poll call (the render runs between polls); Google publishes none";
const AGENT_STEP_LATENCY = "assumption, ~20 s per agent step; Google publishes none";

// Prices. Google's price list (https://cloud.google.com/vertex-ai/generative-ai/pricing) could not be
// read from here: every figure below is from a third-party copy of it, read on PRICES_READ_ON, and
// where copies differ the higher figure is taken, so the budget errs towards refusing. Each row is
// flagged; replace the figures with the Google page's when it can be read.
const PRICES_READ_ON = "2026-12-02";
const NOT_FROM_GOOGLE = "not read on a Google page (third-party copy of Google's price list); the higher reading";

/** Veo 3.1 standard (GA and preview ids): $0.40/s with audio, $0.20/s without (a newer copy says $0.32/$0.16). */
// Source: https://docs.dev.xavier.icvr.xyz/models/google-vertex/veo-3.1.html (not a Google page)
const VEO_31_PRICE = {
  unit: "second",
  usdPerSecond: { withAudio: 0.4, withoutAudio: 0.2 },
  source: "https://docs.dev.xavier.icvr.xyz/models/google-vertex/veo-3.1.html",
  readOn: PRICES_READ_ON,
  flag: NOT_FROM_GOOGLE,
} as const;

/** What the two Veo 3.1 GA models share: where Google serves them, their quota and their page. */
const VEO_31_GA = {
  kind: "video",
  stage: "ga",
  // Veo is absent from the global endpoint's model list; Google's Veo reference calls us-central1.
  // Source: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/veo-video-generation
  locations: ["us-central1"],
  // "Maximum API requests per minute per project: 50".
  // Source: https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/veo/3-1-generate
  quota: { sharedPool: false, requestsPerMinute: 50 },
  latencySeconds: 2,
  latencyBasis: VEO_CALL_LATENCY,
  source: "https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/veo/3-1-generate",
} as const;

// Agent prompts are bounded (48,000 characters of conversation, ~4 characters a token, plus the
// instructions and tool results), far below 200K tokens, so the <=200K-token rates apply.

export const VERTEX_MODELS = [
  {
    id: "gemini-3-pro-image-preview",
    kind: "image",
    stage: "preview",
    // Source: https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-pro-image ("Global")
    locations: ["global"],
    quota: SHARED,
    latencySeconds: 10,
    latencyBasis: IMAGE_LATENCY,
    source: "https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-pro-image",
    // $120 per 1M image output tokens: 1,120 tokens ($0.134) a 1K/2K image, 2,000 ($0.24) a 4K one;
    // another copy charges $0.156 for a 1K image, the higher reading.
    // Source: https://www.finout.io/blog/top-16-vertex-services-in-2026 (not a Google page)
    price: {
      unit: "image",
      usdPerImage: { "1K": 0.156, "2K": 0.156, "4K": 0.24 },
      source: "https://www.finout.io/blog/top-16-vertex-services-in-2026",
      readOn: PRICES_READ_ON,
      flag: NOT_FROM_GOOGLE,
    },
  },
  {
    id: "gemini-2.5-flash-image",
    kind: "image",
    stage: "ga",
    // Source: https://docs.cloud.google.com/vertex-ai/docs/generative-ai/learn/locations-genai (global list); regional
    // endpoints exist too, but only the pairs a cited page lists are served here.
    locations: ["global"],
    quota: SHARED,
    latencySeconds: 10,
    latencyBasis: IMAGE_LATENCY,
    source: "https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/2-5-flash-image",
    // $0.039 per output image (1,290 tokens at $30 per 1M); one size is served, so one figure for all.
    // Source: https://github.com/HeyPuter/puter/pull/2562/files (not a Google page)
    price: {
      unit: "image",
      usdPerImage: { "1K": 0.039, "2K": 0.039, "4K": 0.039 },
      source: "https://github.com/HeyPuter/puter/pull/2562/files",
      readOn: PRICES_READ_ON,
      flag: NOT_FROM_GOOGLE,
    },
  },
  { id: "veo-3.1-generate-001", ...VEO_31_GA, price: VEO_31_PRICE },
  {
    id: "veo-3.1-fast-generate-001",
    ...VEO_31_GA,
    // Veo 3.1 Fast: $0.15/s with audio, $0.10/s without (a newer copy says $0.12/$0.08).
    // Source: https://docs.qingbo.dev/en/api-reference/video/veo (not a Google page)
    price: {
      unit: "second",
      usdPerSecond: { withAudio: 0.15, withoutAudio: 0.1 },
      source: "https://docs.qingbo.dev/en/api-reference/video/veo",
      readOn: PRICES_READ_ON,
      flag: NOT_FROM_GOOGLE,
    },
  },
  {
    id: "veo-3.1-generate-preview",
    kind: "video",
    stage: "preview",
    locations: ["us-central1"],
    // The preview ids allow 10 requests per minute per project.
    // Source: https://cloud.google.com/vertex-ai/generative-ai/docs/models/veo/3-1-generate
    quota: { sharedPool: false, requestsPerMinute: 10 },
    latencySeconds: 2,
    latencyBasis: VEO_CALL_LATENCY,
    source: "https://cloud.google.com/vertex-ai/generative-ai/docs/models/veo/3-1-generate",
    price: VEO_31_PRICE,
  },
  {
    id: "gemini-3.1-pro-preview",
    kind: "agent",
    stage: "preview",
    // Gemini 3 previews are served on the global endpoint only.
    // Source: https://docs.cloud.google.com/vertex-ai/generative-ai/docs/start/get-started-with-gemini-3
    locations: ["global"],
    quota: SHARED,
    latencySeconds: 20,
    latencyBasis: AGENT_STEP_LATENCY,
    source: "https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-1-pro",
    // $2 per 1M input tokens, $12 per 1M output tokens (thinking tokens bill as output), <=200K tokens.
    // Source: https://cloudprice.net/models/vertex_ai%2Fgemini-3.1-pro-preview?priceUnit=1m (not a Google page)
    price: {
      unit: "token",
      usdPerMillionInputTokens: 2,
      usdPerMillionOutputTokens: 12,
      source: "https://cloudprice.net/models/vertex_ai%2Fgemini-3.1-pro-preview?priceUnit=1m",
      readOn: PRICES_READ_ON,
      flag: NOT_FROM_GOOGLE,
    },
  },
  {
    id: "gemini-2.5-pro",
    kind: "agent",
    stage: "ga",
    // Source: https://docs.cloud.google.com/vertex-ai/docs/generative-ai/learn/locations-genai (global list)
    locations: ["global"],
    quota: SHARED,
    latencySeconds: 20,
    latencyBasis: AGENT_STEP_LATENCY,
    source: "https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/2-5-pro",
    // $1.25 per 1M input tokens, $10 per 1M output tokens, <=200K tokens.
    // Source: https://www.cloudzero.com/blog/google-vertex-ai-pricing/ (not a Google page)
    price: {
      unit: "token",
      usdPerMillionInputTokens: 1.25,
      usdPerMillionOutputTokens: 10,
      source: "https://www.cloudzero.com/blog/google-vertex-ai-pricing/",
      readOn: PRICES_READ_ON,
      flag: NOT_FROM_GOOGLE,
    },
  },
] as const satisfies DeepReadonly<VertexModelDefinition[]>;

/**
 * What each kind calls unless a stack overrides it (`genai-platform:models`). `gemini-3-pro-preview`,
 * the agent model the project started on, was shut down in 2026 in favour of `gemini-3.1-pro-preview`.
 * Source: https://ai.google.dev/gemini-api/docs/deprecations
 */
export const DEFAULT_MODELS = {
  image: { id: "gemini-3-pro-image-preview", location: "global" },
  video: { id: "veo-3.1-generate-001", location: "us-central1" },
  agent: { id: "gemini-3.1-pro-preview", location: "global" },
} as const satisfies DeepReadonly<ModelChoices>;
