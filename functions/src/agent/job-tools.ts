// What the agent's tools do on the caller's behalf: admit image/video jobs through the shared
// admission use case and read the caller's own jobs. No SDK here; failures become tool results.
import { createHash } from "node:crypto";
import {
  type ImageRequest,
  imageRequestSchema,
  jobIdSchema,
  type VideoRequest,
  videoRequestSchema,
} from "@genai-platform/client/api";
import { type AdmissionDeps, admitJob, type JobRequest } from "../domain/admission.ts";
import { AppError } from "../domain/errors.ts";
import type { Job } from "../domain/job.ts";
import type { JobStore } from "../ports/index.ts";

/** The verified caller of a turn: taken from the ID token, never from the model. */
export interface AgentCaller {
  uid: string;
  trace?: string;
}

/** What the tools work with: the endpoints' own admission use case and the job store. */
export interface AgentJobs {
  admission: () => AdmissionDeps;
  jobs: () => JobStore;
}

export interface ToolError {
  ok: false;
  error: { code: string; message: string };
}

export type JobRequested =
  | { ok: true; jobId: string; kind: "image" | "video"; status: Job["status"]; reused: boolean }
  | ToolError;

export type JobStatusResult =
  | {
      ok: true;
      jobId: string;
      kind: Job["kind"];
      status: Job["status"];
      prompt: string;
      createdAt: string;
      error?: { code: string; message: string };
    }
  | ToolError;

/**
 * A digest of the turn's input (conversation and brief). The same turn sent again (a client retry)
 * has the same digest, so the same tool request in it maps to the same idempotency key.
 */
export function turnDigest(turnInput: unknown): string {
  return createHash("sha256").update(JSON.stringify(turnInput)).digest("hex");
}

/**
 * Idempotency key of a job requested by a tool: the turn's digest, the kind and the normalized
 * request. A retried tool call or a retried turn asking for the same thing reuses the job instead of
 * charging again; a different prompt or a later turn creates a new one. Admission scopes keys by uid.
 */
export function toolIdempotencyKey(turn: string, kind: string, request: ImageRequest | VideoRequest): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([turn, kind, request]))
    .digest("hex");
  return `agent-${digest.slice(0, 40)}`;
}

function toolError(error: unknown): ToolError {
  if (error instanceof AppError) {
    const detail = error.retryAfterSeconds === undefined ? "" : ` (retry after ${error.retryAfterSeconds} s)`;
    return { ok: false, error: { code: error.code, message: `${error.message}${detail}` } };
  }
  // Anything else is ours or the platform's; the model gets a safe, explainable answer.
  return { ok: false, error: { code: "UNAVAILABLE", message: "the request could not be completed; try again later" } };
}

function invalid(issues: { path: PropertyKey[]; message: string }[]): ToolError {
  const first = issues[0];
  const field = first?.path.map(String).join(".") || "request";
  return { ok: false, error: { code: "INVALID_ARGUMENT", message: `${field}: ${first?.message ?? "is invalid"}` } };
}

/** Admits one job for the caller; every failure, quota included, comes back as `{ ok: false }`. */
export async function requestJob(
  jobs: AgentJobs,
  caller: AgentCaller,
  turn: string,
  kind: "image" | "video",
  input: unknown,
): Promise<JobRequested> {
  const parsed = kind === "image" ? imageRequestSchema.safeParse(input) : videoRequestSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error.issues);
  try {
    const { job, replayed } = await admitJob(jobs.admission(), {
      uid: caller.uid,
      job: { kind, request: parsed.data } as JobRequest,
      idempotencyKey: toolIdempotencyKey(turn, kind, parsed.data),
      ...(caller.trace ? { trace: caller.trace } : {}),
    });
    return { ok: true, jobId: job.id, kind, status: job.status, reused: replayed };
  } catch (error) {
    return toolError(error);
  }
}

/** One of the caller's jobs; someone else's job and a missing one give the same answer. */
export async function jobStatus(jobs: AgentJobs, caller: AgentCaller, jobId: string): Promise<JobStatusResult> {
  const notFound: ToolError = { ok: false, error: { code: "NOT_FOUND", message: `no job ${jobId} for this user` } };
  if (!jobIdSchema.safeParse(jobId).success) return notFound;
  try {
    const job = await jobs.jobs().get(jobId);
    if (!job || job.uid !== caller.uid) return notFound;
    return {
      ok: true,
      jobId: job.id,
      kind: job.kind,
      status: job.status,
      prompt: job.request.prompt,
      createdAt: job.createdAt.toISOString(),
      ...(job.error ? { error: { code: job.error.code, message: job.error.message } } : {}),
    };
  } catch (error) {
    return toolError(error);
  }
}
