// One mapping from what @google/genai throws to ModelError with stable codes, shared by the image and
// video adapters. Messages are safe to store on a job; upstream bodies stay in `cause`.
import { ApiError } from "@google/genai";
import { ModelError } from "../../domain/errors.ts";

/** Stable codes the worker, the job document and the event log carry. */
export const MODEL_ERROR_CODES = {
  rateLimited: "MODEL_RATE_LIMITED",
  unavailable: "MODEL_UNAVAILABLE",
  timeout: "MODEL_TIMEOUT",
  invalidRequest: "MODEL_INVALID_REQUEST",
  permissionDenied: "MODEL_PERMISSION_DENIED",
  safetyBlocked: "MODEL_SAFETY_BLOCKED",
  noOutput: "MODEL_NO_OUTPUT",
  /** Vertex does not serve the configured model in the configured location: the deployment's to fix. */
  notServed: "MODEL_NOT_SERVED",
} as const;

/** Where a model call went, for errors that name it. */
export interface ModelTarget {
  model: string;
  location?: string;
}

/**
 * Vertex's answer for a model it does not serve in a location (or at all, or not to this project):
 * HTTP 404 NOT_FOUND, "Publisher Model `projects/P/locations/L/publishers/google/models/M` was not
 * found or your project does not have access to it."
 * Source: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions (retired ids answer 404)
 */
const PUBLISHER_MODEL_NOT_FOUND = /Publisher Model .*(not found|was not found)/;

/** `what` names the model in messages, e.g. "the image model". */
export function toModelError(error: unknown, what: string, signal?: AbortSignal, target?: ModelTarget): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof ApiError && error.status === 404 && PUBLISHER_MODEL_NOT_FOUND.test(error.message)) {
    // Not the user's request: no delivery can fix it, and the operator must change the stack's models.
    const where = target?.location ? ` in ${target.location}` : "";
    return new ModelError(
      MODEL_ERROR_CODES.notServed,
      `${what} is not available in this deployment (Vertex AI does not serve ${target?.model ?? "the model"}${where})`,
      false,
      error,
      target?.location,
    );
  }
  if (error instanceof ApiError) return fromStatus(error.status, what, error);
  const name = (error as { name?: unknown } | null | undefined)?.name;
  if (name === "AbortError" || name === "TimeoutError" || signal?.aborted) {
    return new ModelError(MODEL_ERROR_CODES.timeout, `${what} did not answer in time`, true, error);
  }
  // Connection refused or reset, DNS failures: another delivery may well succeed.
  return new ModelError(MODEL_ERROR_CODES.unavailable, `${what} could not be reached`, true, error);
}

function fromStatus(status: number, what: string, cause: unknown): ModelError {
  if (status === 429) return new ModelError(MODEL_ERROR_CODES.rateLimited, `${what} is rate limited`, true, cause);
  if (status === 408 || status === 504) {
    return new ModelError(MODEL_ERROR_CODES.timeout, `${what} did not answer in time`, true, cause);
  }
  if (status >= 500) return new ModelError(MODEL_ERROR_CODES.unavailable, `${what} failed (${status})`, true, cause);
  // A misconfigured service account does not fix itself between deliveries: fail fast, alert on the code.
  if (status === 401 || status === 403) {
    return new ModelError(MODEL_ERROR_CODES.permissionDenied, `${what} refused the credentials`, false, cause);
  }
  return new ModelError(MODEL_ERROR_CODES.invalidRequest, `${what} rejected the request (${status})`, false, cause);
}

/** The caller's signal (if any) combined with a per-call deadline. */
export function deadline(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
