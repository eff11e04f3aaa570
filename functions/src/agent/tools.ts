// The creative director's tools. Each is built for one turn and bound to the verified caller, so
// the model can choose what to request but never on whose behalf or against whose quota.

import { IMAGE_ASPECT_RATIOS } from "@genai-platform/client/api";
import { platform } from "@genai-platform/definition";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import { type AgentCaller, type AgentJobs, jobStatus, requestJob } from "./job-tools.ts";

const prompt = z
  .string()
  .min(3)
  .max(4000)
  .describe("Complete, self-contained visual description: subject, setting, composition, light, style.");

const errorResult = z.object({
  ok: z.literal(false).describe("The request failed; nothing was created or charged."),
  error: z
    .object({
      code: z.string().describe("Stable error code, e.g. QUOTA_EXCEEDED, INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE."),
      message: z.string().describe("Why it failed, safe to repeat to the user."),
    })
    .describe("What went wrong."),
});

const jobRequestedResult = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true).describe("The job was admitted and queued."),
    jobId: z.string().describe("Id of the job; the user's app shows its progress and result."),
    kind: z.enum(["image", "video"]).describe("What the job produces."),
    status: z.enum(["queued", "running", "succeeded", "failed"]).describe("Status right after admission."),
    reused: z.boolean().describe("True when this same request was already admitted in this turn: no new charge."),
  }),
  errorResult,
]);

const jobStatusResult = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true).describe("The job exists and belongs to the user."),
    jobId: z.string().describe("Id of the job."),
    kind: z.enum(["image", "video"]).describe("What the job produces."),
    status: z
      .enum(["queued", "running", "succeeded", "failed"])
      .describe("queued/running: in progress; succeeded: media ready in the user's app; failed: see error."),
    prompt: z.string().describe("The prompt the job was admitted with."),
    createdAt: z.string().describe("When the job was admitted (ISO 8601)."),
    error: z
      .object({
        code: z.string().describe("Stable failure code."),
        message: z.string().describe("Why the job failed."),
      })
      .optional()
      .describe("Present when the job failed."),
  }),
  errorResult,
]);

/** Everything a turn's tools are bound to. */
export interface ToolContext {
  caller: AgentCaller;
  /** Digest of the turn's input, part of every idempotency key the tools derive. */
  turn: string;
  jobs: AgentJobs;
  /** Tool calls this turn may make, across all its steps; default the definition's. */
  maxToolCalls?: number;
}

/** The tool answer once a turn has used up its tool calls: nothing was done or charged. */
export function toolCallLimitError(max: number) {
  return {
    ok: false as const,
    error: {
      code: "TOOL_CALL_LIMIT",
      message: `this turn already made its ${max} tool calls; nothing was done. Answer the user with what you have.`,
    },
  };
}

export function creativeDirectorTools(context: ToolContext) {
  const { caller, turn, jobs } = context;
  const max = context.maxToolCalls ?? platform.agent.maxToolCallsPerTurn;
  // One counter per turn (the tools are built per turn), shared by every tool: a single model step
  // may carry many parallel calls, so the step limit alone does not bound them.
  let calls = 0;
  const capped =
    <I, O>(execute: (input: I) => Promise<O>) =>
    async (input: I): Promise<O | ReturnType<typeof toolCallLimitError>> => {
      calls += 1;
      if (calls > max) return toolCallLimitError(max);
      return execute(input);
    };
  return {
    requestImage: createTool({
      id: "requestImage",
      description:
        "Generates one still image (key frame, mood board, storyboard panel). SIDE EFFECTS: creates an image " +
        "job and charges one unit of the user's daily image quota; asking again for exactly the same image in " +
        "this turn returns the same job without a new charge. Returns the job id, or an error (e.g. " +
        "QUOTA_EXCEEDED) to explain to the user.",
      inputSchema: z.object({
        prompt,
        aspectRatio: z.enum(IMAGE_ASPECT_RATIOS).optional().describe("Frame shape; default 1:1."),
        imageSize: z.enum(["1K", "2K", "4K"]).optional().describe("Output resolution; default 1K."),
      }),
      outputSchema: jobRequestedResult,
      execute: capped((input) => requestJob(jobs, caller, turn, "image", input)),
    }),
    requestVideo: createTool({
      id: "requestVideo",
      description:
        "Generates one short video shot (4-8 s) with Veo; takes minutes. SIDE EFFECTS: creates a video job and " +
        "charges one unit of the user's daily video quota, which is small: only call it for shots the user " +
        "approved. The same request again in this turn returns the same job without a new charge. Returns the " +
        "job id, or an error (e.g. QUOTA_EXCEEDED) to explain to the user.",
      inputSchema: z.object({
        prompt,
        negativePrompt: z.string().max(1000).optional().describe("What must not appear in the shot."),
        aspectRatio: z.enum(["16:9", "9:16"]).optional().describe("Frame shape; default 16:9."),
        durationSeconds: z
          .union([z.literal(4), z.literal(6), z.literal(8)])
          .optional()
          .describe("Shot length in seconds: 4, 6 or 8; default 8."),
        resolution: z.enum(["720p", "1080p"]).optional().describe("Output resolution; default 720p."),
        generateAudio: z.boolean().optional().describe("Generate a soundtrack with the shot; default true."),
      }),
      outputSchema: jobRequestedResult,
      execute: capped((input) => requestJob(jobs, caller, turn, "video", input)),
    }),
    getJobStatus: createTool({
      id: "getJobStatus",
      description:
        "Reads the status of one of the user's own image or video jobs. No side effects, no charge. A job that " +
        "does not exist or belongs to someone else is reported as NOT_FOUND.",
      inputSchema: z.object({
        jobId: z.string().min(1).max(128).describe("Job id returned earlier by requestImage or requestVideo."),
      }),
      outputSchema: jobStatusResult,
      execute: capped((input: { jobId: string }) => jobStatus(jobs, caller, input.jobId)),
    }),
  };
}
