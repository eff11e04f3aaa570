// AdmissionStore on Firestore: the tier, the day's usage and the idempotency record are read and
// written in ONE transaction, so concurrent requests can never overshoot a limit. One user's
// parallel requests are queued behind each other in this process, and contention with other
// processes is retried with jitter for a bounded time, so a flood resolves in seconds: exactly the
// quota admitted, the rest QUOTA_EXCEEDED, instead of transactions aborting each other into BUSY.

import { type TierName, tierNameSchema } from "@genai-platform/definition";
import { FieldValue, type Firestore, Timestamp } from "firebase-admin/firestore";
import pRetry from "p-retry";
import { AppError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import type { AdmissionDecision, AdmissionInput, AdmissionState, AdmissionStore } from "../../ports/index.ts";
import { abandonIfExpired, withDeadline } from "../system/deadline.ts";
import { isContention } from "./contention.ts";
import { fromJobDocument, toJobDocument } from "./job-document.ts";
import { idempotencyDoc, jobDoc, usageDoc, userDoc } from "./paths.ts";
import { PerKeySerializer } from "./per-key-serializer.ts";

/** Usage and idempotency documents outlive their day by this much before Firestore's TTL deletes them. */
const RETENTION_MS = 2 * 86_400_000;

/**
 * How long one admission may keep retrying contention (after the SDK's own attempts) before it
 * answers BUSY. Bounded so the answer comes well within the function's 30 s timeout.
 */
export const CONTENTION_RETRY_MS = 10_000;
/**
 * How long a request may wait behind the same user's earlier requests in this process before it
 * answers BUSY without trying: a flood larger than the process can clear in time is refused, not queued forever.
 */
export const USER_QUEUE_WAIT_MS = 15_000;

export class FirestoreAdmissionStore implements AdmissionStore {
  private readonly db: Firestore;
  private readonly perUser = new PerKeySerializer();

  constructor(db: Firestore) {
    this.db = db;
  }

  admit(input: AdmissionInput, decide: (state: AdmissionState) => AdmissionDecision): Promise<AdmissionDecision> {
    const queuedAt = performance.now();
    return this.perUser.run(input.uid, async () => {
      if (performance.now() - queuedAt > USER_QUEUE_WAIT_MS)
        throw busy(new Error("waited too long behind the user's own requests"));
      try {
        return await pRetry(() => this.admitOnce(input, decide), {
          retries: 20,
          minTimeout: 25,
          maxTimeout: 500,
          randomize: true,
          maxRetryTime: CONTENTION_RETRY_MS,
          shouldRetry: ({ error }) => isContention(error),
        });
      } catch (error) {
        if (isContention(error)) throw busy(error);
        throw error;
      }
    });
  }

  private async admitOnce(
    input: AdmissionInput,
    decide: (state: AdmissionState) => AdmissionDecision,
  ): Promise<AdmissionDecision> {
    const user = userDoc(this.db, input.uid);
    const usage = usageDoc(this.db, input.uid, input.day);
    const idempotency = input.idempotencyKey ? idempotencyDoc(this.db, input.uid, input.idempotencyKey) : undefined;
    return withDeadline((expired) =>
      this.db.runTransaction(async (tx) => {
        abandonIfExpired(expired);
        const [userSnap, usageSnap, keySnap] = await Promise.all([
          tx.get(user),
          tx.get(usage),
          idempotency ? tx.get(idempotency) : Promise.resolve(undefined),
        ]);
        let existingJob: Job | undefined;
        const existingId = keySnap?.get("jobId") as string | undefined;
        if (existingId) {
          const jobSnap = await tx.get(jobDoc(this.db, existingId));
          if (jobSnap.exists) existingJob = fromJobDocument(jobSnap.id, jobSnap.data() ?? {});
        }
        const decision = decide({
          tier: tierOf(userSnap.get("tier")),
          used: Number(usageSnap.get(input.kind) ?? 0),
          ...(existingJob ? { existingJob } : {}),
        });
        if (decision.type === "create" || decision.type === "charge") {
          const expireAt = Timestamp.fromMillis(Date.parse(`${input.day}T00:00:00Z`) + RETENTION_MS);
          tx.set(
            usage,
            { uid: input.uid, day: input.day, [input.kind]: FieldValue.increment(1), expireAt },
            { merge: true },
          );
          if (decision.type === "create") {
            tx.create(jobDoc(this.db, decision.job.id), toJobDocument(decision.job));
            if (idempotency) tx.set(idempotency, { uid: input.uid, jobId: decision.job.id, expireAt });
          }
        }
        abandonIfExpired(expired);
        return decision;
      }),
    );
  }

  async refundCharge(input: { uid: string; kind: AdmissionInput["kind"]; day: string }): Promise<void> {
    // An increment is atomic without a transaction; the unit was charged, so the count stays >= 0.
    await withDeadline(() =>
      usageDoc(this.db, input.uid, input.day).update({ [input.kind]: FieldValue.increment(-1) }),
    );
  }
}

function busy(cause: unknown): AppError {
  return new AppError("BUSY", "too many concurrent requests for this account; retry shortly", {
    retryAfterSeconds: 1,
    cause,
  });
}

/** A missing or unknown tier is `free`: nobody gets Pro limits by accident. */
function tierOf(value: unknown): TierName {
  const parsed = tierNameSchema.safeParse(value);
  return parsed.success ? parsed.data : "free";
}
