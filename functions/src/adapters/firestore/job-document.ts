// Maps the domain's Job to `jobs/{id}` documents and back: Dates become Timestamps (TTL needs a
// timestamp field), absent optionals are omitted rather than stored as null.
import { type DocumentData, Timestamp } from "firebase-admin/firestore";
import type { Job } from "../../domain/job.ts";
import type { JobUpdate } from "../../ports/index.ts";

export function toJobDocument(job: Job): DocumentData {
  const { lease, sweptAt, ...rest } = job;
  return dropUndefined({
    ...rest,
    ...(sweptAt ? { sweptAt: Timestamp.fromDate(sweptAt) } : {}),
    createdAt: Timestamp.fromDate(job.createdAt),
    updatedAt: Timestamp.fromDate(job.updatedAt),
    expireAt: Timestamp.fromDate(job.expireAt),
    ...(lease ? { lease: { owner: lease.owner, expiresAt: Timestamp.fromDate(lease.expiresAt) } } : {}),
  });
}

export function fromJobDocument(id: string, data: DocumentData): Job {
  const lease = data.lease as { owner: string; expiresAt: Timestamp } | null | undefined;
  return dropUndefined({
    ...(data as Omit<Job, "id">),
    id,
    createdAt: (data.createdAt as Timestamp).toDate(),
    updatedAt: (data.updatedAt as Timestamp).toDate(),
    expireAt: (data.expireAt as Timestamp).toDate(),
    lease: lease ? { owner: lease.owner, expiresAt: lease.expiresAt.toDate() } : undefined,
    sweptAt: data.sweptAt ? (data.sweptAt as Timestamp).toDate() : undefined,
  }) as Job;
}

/** The job after `update`, as the domain sees it (for the transaction's answer). */
export function applyUpdate(job: Job, update: JobUpdate, now: Date): Job {
  const { lease, refund, releaseIdempotencyKey: _release, ...fields } = update;
  const next: Job = { ...job, ...dropUndefined(fields), updatedAt: now };
  if (lease === null) delete next.lease;
  else if (lease) next.lease = lease;
  if (refund) next.refunded = true;
  return next;
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
