// A generation job as the domain sees it; the Firestore adapter maps it to `jobs/{id}` documents.
import type { ImageRequest, JobKind, JobStatus, VideoRequest } from "@genai-platform/client/api";
import type { TierName } from "@genai-platform/definition";
import type { BudgetPiece } from "./budget.ts";

export interface JobOutput {
  /** Object path in the media bucket, e.g. `users/{uid}/images/{jobId}.png`. */
  objectPath: string;
  mimeType: string;
}

export interface JobFailure {
  code: string;
  message: string;
  /** Vertex AI location of the failed model call, when the failure is the deployment's to fix. */
  location?: string;
}

export interface JobLease {
  /** Task execution that holds the job (queue task name plus execution count). */
  owner: string;
  expiresAt: Date;
}

export interface Job {
  id: string;
  uid: string;
  kind: JobKind;
  /** Tier at admission: what was charged against. */
  tier: TierName;
  model: string;
  status: JobStatus;
  request: ImageRequest | VideoRequest;
  /** UTC day (`YYYY-MM-DD`) whose usage was charged; a refund returns the unit to that day. */
  usageDay: string;
  createdAt: Date;
  updatedAt: Date;
  /** TTL: Firestore deletes the document after this. */
  expireAt: Date;
  /** Deliveries that started work (running transitions). */
  attempts: number;
  lease?: JobLease;
  /** Veo long-running operation, recorded in the same transition that marks the job running. */
  operationName?: string;
  /** Poll tasks scheduled so far (video). */
  polls?: number;
  output?: JobOutput;
  error?: JobFailure;
  /** Times the sweeper re-enqueued the job (task `{id}-sweep-{n}`); absent means never. */
  sweeps?: number;
  /** When the sweeper last re-enqueued the job: its deadline counts again from here. */
  sweptAt?: Date;
  /** Estimated cost charged to the user's day at admission, micro-USD; absent on jobs admitted before costs. */
  costMicroUsd?: number;
  /** Where the cost is reserved in the day's global budget; absent when the stack has no budget. */
  budgetPieces?: BudgetPiece[];
  /** True once the quota unit (with its cost and budget pieces) went back; never refunded twice. */
  refunded: boolean;
  idempotencyKey?: string;
  trace?: string;
}

export function isTerminal(status: JobStatus): boolean {
  return status === "succeeded" || status === "failed";
}
