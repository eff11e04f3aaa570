// JobStore on Firestore: every change is a transactional read-modify-write of `jobs/{id}`; a refund
// decrements the charged day's usage and releases the job's budget pieces in the same transaction,
// and is recorded so it happens once.
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { AppError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import type { JobStore, JobUpdate } from "../../ports/index.ts";
import { abandonIfExpired, withDeadline } from "../system/deadline.ts";
import { isContention } from "./contention.ts";
import { applyUpdate, fromJobDocument, toJobDocument } from "./job-document.ts";
import { budgetShardDoc, idempotencyDoc, jobDoc, usageDoc } from "./paths.ts";

export class FirestoreJobStore implements JobStore {
  private readonly db: Firestore;
  private readonly now: () => Date;

  constructor(db: Firestore, now: () => Date = () => new Date()) {
    this.db = db;
    this.now = now;
  }

  async get(jobId: string): Promise<Job | undefined> {
    const snap = await withDeadline(() => jobDoc(this.db, jobId).get());
    return snap.exists ? fromJobDocument(snap.id, snap.data() ?? {}) : undefined;
  }

  async update(
    jobId: string,
    change: (job: Job, now: Date) => JobUpdate | undefined,
  ): Promise<{ job: Job; changed: boolean } | undefined> {
    const ref = jobDoc(this.db, jobId);
    try {
      return await withDeadline((expired) =>
        this.db.runTransaction(async (tx) => {
          abandonIfExpired(expired);
          const snap = await tx.get(ref);
          if (!snap.exists) return undefined;
          const job = fromJobDocument(snap.id, snap.data() ?? {});
          const now = this.now();
          const update = change(job, now);
          if (!update) return { job, changed: false };
          abandonIfExpired(expired);
          const refund = update.refund === true && !job.refunded;
          const next = applyUpdate(job, { ...update, refund }, now);
          tx.set(ref, toJobDocument(next));
          if (refund) {
            // The unit, its cost and its budget pieces go back in the job's own transaction, under
            // the same `refunded` guard, so each is returned exactly once.
            tx.set(
              usageDoc(this.db, job.uid, job.usageDay),
              {
                [job.kind]: FieldValue.increment(-1),
                ...(job.costMicroUsd
                  ? {
                      costMicroUsd: FieldValue.increment(-job.costMicroUsd),
                      costMicroUsdByKind: { [job.kind]: FieldValue.increment(-job.costMicroUsd) },
                    }
                  : {}),
              },
              { merge: true },
            );
            for (const piece of job.budgetPieces ?? []) {
              tx.set(
                budgetShardDoc(this.db, job.usageDay, piece.shard),
                { reservedMicroUsd: FieldValue.increment(-piece.microUsd) },
                { merge: true },
              );
            }
          }
          if (update.releaseIdempotencyKey && job.idempotencyKey) {
            tx.delete(idempotencyDoc(this.db, job.uid, job.idempotencyKey));
          }
          return { job: next, changed: true };
        }),
      );
    } catch (error) {
      if (isContention(error)) {
        throw new AppError("BUSY", "the job is being updated concurrently; retry shortly", {
          retryAfterSeconds: 1,
          cause: error,
        });
      }
      throw error;
    }
  }
}
