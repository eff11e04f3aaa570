// Request and response shapes of the HTTPS functions, shared by the handlers and the typed client.
// zod only: the client bundles this file into the web app.
import { z } from "zod";

// What Firestore can hold, checked here so a value the store would refuse is a 400 naming its
// field, never a 500 after the fact. Firestore strings are UTF-8: a lone UTF-16 surrogate has no
// UTF-8 form. Ids matching __.*__ are reserved.
// Source: https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const RESERVED_ID = /^__.*__$/;

/** True when `text` can be stored as a Firestore string (well-formed UTF-16, so encodable as UTF-8). */
export function isStorableText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Free text of a request: trimmed, bounded, and storable. */
const text = (min: number, max: number, name: string) =>
  z
    .string()
    .trim()
    .min(min, min > 1 ? `${name} must be at least ${min} characters` : `${name} must not be empty`)
    .max(max, `${name} must be at most ${max} characters`)
    .refine(isStorableText, `${name} must be valid Unicode text (it contains a lone surrogate)`);

/** A job id: what the platform generates, never a name Firestore reserves. */
export const jobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "is not a job id")
  .refine((id) => !RESERVED_ID.test(id), "is not a job id (names like __…__ are reserved by Firestore)");

// Gemini image models' output aspect ratios.
// Source: https://docs.cloud.google.com/gemini-enterprise-agent-platform/reference/rest/Shared.Types/AspectRatio
export const IMAGE_ASPECT_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"] as const;

export const imageRequestSchema = z.strictObject({
  prompt: text(3, 4000, "prompt"),
  aspectRatio: z.enum(IMAGE_ASPECT_RATIOS).default("1:1"),
  /** Output resolution Gemini 3 Pro Image supports. Source: https://ai.google.dev/gemini-api/docs/image-generation */
  imageSize: z.enum(["1K", "2K", "4K"]).default("1K"),
});
export type ImageRequest = z.infer<typeof imageRequestSchema>;

export const videoRequestSchema = z.strictObject({
  prompt: text(3, 4000, "prompt"),
  negativePrompt: text(0, 1000, "negativePrompt").optional(),
  // Veo 3.1: 16:9 or 9:16; 4, 6 or 8 seconds; 720p or 1080p.
  // Source: https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/veo/3-1-generate
  aspectRatio: z.enum(["16:9", "9:16"]).default("16:9"),
  durationSeconds: z.union([z.literal(4), z.literal(6), z.literal(8)]).default(8),
  resolution: z.enum(["720p", "1080p"]).default("720p"),
  generateAudio: z.boolean().default(true),
});
export type VideoRequest = z.infer<typeof videoRequestSchema>;

export const jobKindSchema = z.enum(["image", "video"]);
export type JobKind = z.infer<typeof jobKindSchema>;

export const jobStatusSchema = z.enum(["queued", "running", "succeeded", "failed"]);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** `202` answer of generateImage / generateVideo. */
export const admittedSchema = z.object({ jobId: z.string(), status: jobStatusSchema });
export type Admitted = z.infer<typeof admittedSchema>;

/** What getJob returns: the caller's own job, with a signed URL once it succeeded. */
export const jobViewSchema = z.object({
  jobId: z.string(),
  kind: jobKindSchema,
  status: jobStatusSchema,
  model: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  output: z.object({ url: z.string(), mimeType: z.string(), expiresAt: z.string() }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type JobView = z.infer<typeof jobViewSchema>;

const kindUsageSchema = z.object({
  used: z.number().int().min(0),
  limit: z.number().int().min(0),
  remaining: z.number().int().min(0),
});

/** What getUsage returns: tier and today's (UTC) usage per kind. */
export const usageViewSchema = z.object({
  tier: z.enum(["free", "pro"]),
  day: z.string(),
  resetsAt: z.string(),
  kinds: z.object({ image: kindUsageSchema, video: kindUsageSchema, agent: kindUsageSchema }),
  /** Estimated cost of today's admissions in USD, at the platform's list prices, refunds deducted. */
  costUsd: z.number().min(0).optional(),
});
export type UsageView = z.infer<typeof usageViewSchema>;

/** Every 4xx/5xx body. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The body of a Cloud Task: which job, and for video whether to start or poll. */
export const taskPayloadSchema = z.strictObject({
  jobId: jobIdSchema,
  step: z.enum(["run", "start", "poll"]).default("run"),
  /** Video polls: which poll of the job this task is (1-based), so a stale duplicate is recognised. */
  poll: z.number().int().min(1).max(1000).optional(),
});
export type TaskPayload = z.infer<typeof taskPayloadSchema>;

// ---- creativeDirectorAgent ------------------------------------------------------------------

/** Bounds of one agent turn's body: the client resends the whole conversation every turn. */
export const AGENT_LIMITS = {
  maxMessages: 40,
  maxMessageChars: 8000,
  /** Characters across all messages and the brief; more is answered 413. */
  maxTotalChars: 48_000,
} as const;

export const agentMessageSchema = z.strictObject({
  role: z.enum(["user", "assistant"]),
  content: text(1, AGENT_LIMITS.maxMessageChars, "content"),
});
export type AgentMessage = z.infer<typeof agentMessageSchema>;

/** An optional structured brief the web app collects next to the chat. */
export const creativeBriefSchema = z.strictObject({
  goal: text(3, 2000, "goal"),
  audience: text(0, 500, "audience").optional(),
  tone: text(0, 500, "tone").optional(),
  formats: z
    .array(z.enum(["image", "video"]))
    .max(2)
    .optional(),
});
export type CreativeBrief = z.infer<typeof creativeBriefSchema>;

/** One agent turn: the conversation so far (ending with the user's message) and an optional brief. */
export const agentTurnRequestSchema = z.strictObject({
  messages: z
    .array(agentMessageSchema)
    .min(1, "messages must not be empty")
    .max(AGENT_LIMITS.maxMessages, `at most ${AGENT_LIMITS.maxMessages} messages`)
    .refine((messages) => messages.at(-1)?.role === "user", "the last message must be the user's"),
  brief: creativeBriefSchema.optional(),
});
export type AgentTurnRequest = z.infer<typeof agentTurnRequestSchema>;

/** A tool the agent called in the turn, with what it returned. */
export const agentToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  output: z.unknown().optional(),
});
export type AgentToolCall = z.infer<typeof agentToolCallSchema>;

export const agentUsageSchema = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
});

/** The JSON answer of one turn (without `Accept: text/event-stream`). */
export const agentTurnResponseSchema = z.object({
  message: z.string(),
  toolCalls: z.array(agentToolCallSchema),
  usage: agentUsageSchema,
});
export type AgentTurnResponse = z.infer<typeof agentTurnResponseSchema>;

/** Server-sent events of a streamed turn, in order; `message` (or `error`) is always last. */
export const agentStreamEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text-delta"), text: z.string() }),
  z.object({ type: z.literal("tool-call"), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal("tool-result"), id: z.string(), name: z.string(), output: z.unknown() }),
  z.object({ type: z.literal("message"), ...agentTurnResponseSchema.shape }),
  z.object({ type: z.literal("error"), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type AgentStreamEvent = z.infer<typeof agentStreamEventSchema>;
