// POST generateImage / generateVideo: token → body → admission → 202 { jobId, status }. Both
// endpoints are this one handler with a different schema and job kind.

import type { Admitted } from "@genai-platform/client/api";
import type { z } from "zod";
import { type AccessGateDeps, checkAccess } from "../../../domain/access-policy.ts";
import { type AdmissionDeps, admitJob, type JobRequest } from "../../../domain/admission.ts";
import { checkAppCheck } from "../../../domain/app-check-gate.ts";
import type { IdentityVerifier } from "../../../ports/index.ts";
import type { HttpAnswer, RequestContext } from "../http-types.ts";
import { appCheckToken, bearerToken, idempotencyKey, jsonBody } from "../request-parsing.ts";

export interface GenerateJobDeps {
  identity: IdentityVerifier;
  admission: () => AdmissionDeps;
  /** Sign-in policy, suspension and kill switch, checked before admission. */
  access: AccessGateDeps;
}

export function generateJobHandler<K extends JobRequest["kind"], S extends z.ZodType>(
  kind: K,
  schema: S,
  deps: GenerateJobDeps,
): (ctx: RequestContext) => Promise<HttpAnswer> {
  return async (ctx) => {
    // Admission spends: a disabled or revoked account is refused here, not only when its token expires.
    const user = await deps.identity.verify(bearerToken(ctx), { checkRevoked: true });
    const { uid } = user;
    await checkAppCheck(deps.access.appCheck, {
      token: () => appCheckToken(ctx),
      uid,
      ...(ctx.trace ? { trace: ctx.trace } : {}),
    });
    const request = jsonBody(ctx, schema);
    const key = idempotencyKey(ctx);
    await checkAccess(deps.access, user, kind);
    const { job, replayed } = await admitJob(deps.admission(), {
      uid,
      job: { kind, request } as JobRequest,
      ...(key ? { idempotencyKey: key } : {}),
      ...(ctx.trace ? { trace: ctx.trace } : {}),
    });
    const body: Admitted = { jobId: job.id, status: job.status };
    return {
      status: 202,
      body,
      headers: { Location: `getJob?jobId=${job.id}`, ...(replayed ? { "Idempotent-Replayed": "true" } : {}) },
    };
  };
}
