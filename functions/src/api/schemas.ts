// Request and response shapes of the HTTPS functions, shared by the handlers and the typed client.
// zod only: the client bundles this file into the web app.
import { z } from "zod";

export const IMAGE_ASPECT_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"] as const;

export const imageRequestSchema = z.strictObject({
  prompt: z
    .string()
    .trim()
    .min(3, "prompt must be at least 3 characters")
    .max(4000, "prompt must be at most 4000 characters"),
  aspectRatio: z.enum(IMAGE_ASPECT_RATIOS).default("1:1"),
  /** Output resolution the image model supports. */
  imageSize: z.enum(["1K", "2K", "4K"]).default("1K"),
});
export type ImageRequest = z.infer<typeof imageRequestSchema>;

export const videoRequestSchema = z.strictObject({
  prompt: z
    .string()
    .trim()
    .min(3, "prompt must be at least 3 characters")
    .max(4000, "prompt must be at most 4000 characters"),
  negativePrompt: z.string().trim().max(1000).optional(),
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
});
export type UsageView = z.infer<typeof usageViewSchema>;

/** Every 4xx/5xx body. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The body of a Cloud Task: which job, and for video whether to start or poll. */
export const taskPayloadSchema = z.strictObject({
  jobId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  step: z.enum(["run", "start", "poll"]).default("run"),
});
export type TaskPayload = z.infer<typeof taskPayloadSchema>;
