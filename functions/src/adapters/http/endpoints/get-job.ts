// GET getJob?jobId=… (or getJob/<jobId>): the caller's own job, with a short-lived signed URL for
// finished media. Someone else's job is answered exactly like a missing one (404).
import { type JobView, jobIdSchema } from "@genai-platform/client/api";
import { AppError } from "../../../domain/errors.ts";
import type { Job } from "../../../domain/job.ts";
import type { BlobStore, IdentityVerifier, JobStore } from "../../../ports/index.ts";
import type { HttpAnswer, RequestContext } from "../http-types.ts";
import { bearerToken } from "../request-parsing.ts";

export interface GetJobDeps {
  identity: IdentityVerifier;
  jobs: () => JobStore;
  blobs: () => BlobStore;
  signedUrlTtlSeconds: number;
}

export function getJobHandler(deps: GetJobDeps): (ctx: RequestContext) => Promise<HttpAnswer> {
  return async (ctx) => {
    const { uid } = await deps.identity.verify(bearerToken(ctx));
    const jobId = ctx.query.jobId ?? ctx.path.replace(/^\/+/, "");
    if (!jobId) throw new AppError("INVALID_ARGUMENT", "jobId is required", { field: "jobId" });
    const checked = jobIdSchema.safeParse(jobId);
    if (!checked.success) {
      throw new AppError("INVALID_ARGUMENT", `jobId ${checked.error.issues[0]?.message ?? "is not a job id"}`, {
        field: "jobId",
      });
    }
    const job = await deps.jobs().get(jobId);
    if (!job || job.uid !== uid) throw new AppError("NOT_FOUND", "no such job", { field: "jobId" });
    return { status: 200, body: await toJobView(job, deps) };
  };
}

export async function toJobView(job: Job, deps: Pick<GetJobDeps, "blobs" | "signedUrlTtlSeconds">): Promise<JobView> {
  const view: JobView = {
    jobId: job.id,
    kind: job.kind,
    status: job.status,
    model: job.model,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
  if (job.status === "succeeded" && job.output) {
    const signed = await deps.blobs().signedReadUrl(job.output.objectPath, deps.signedUrlTtlSeconds);
    view.output = { url: signed.url, mimeType: job.output.mimeType, expiresAt: signed.expiresAt.toISOString() };
  }
  if (job.status === "failed" && job.error) view.error = { code: job.error.code, message: job.error.message };
  return view;
}
