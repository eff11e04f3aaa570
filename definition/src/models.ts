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
  },
  { id: "veo-3.1-generate-001", ...VEO_31_GA },
  { id: "veo-3.1-fast-generate-001", ...VEO_31_GA },
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
