// AdmissionStore on Firestore: the tier, the day's usage (with the minute's burst count), the
// idempotency record and the global budget's shards are read and written in ONE transaction, so
// concurrent requests can never overshoot a limit or the budget. One user's
// parallel requests are queued behind each other in this process, and contention with other
// processes is retried with jitter for a bounded time, so a flood resolves in seconds: exactly the
// quota admitted, the rest QUOTA_EXCEEDED, instead of transactions aborting each other into BUSY.

import { type TierName, tierNameSchema } from "@genai-platform/definition";
import {
  type DocumentSnapshot,
  FieldValue,
  type Firestore,
  Timestamp,
  type Transaction,
} from "firebase-admin/firestore";
import pLimit, { type LimitFunction } from "p-limit";
import pRetry from "p-retry";
import { type BudgetPiece, type DailyBudget, shardCaps, shardOrder, takeFromShards } from "../../domain/budget.ts";
import { AppError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import type {
  AdmissionDecision,
  AdmissionInput,
  AdmissionState,
  AdmissionStore,
  ChargeRefund,
} from "../../ports/index.ts";
import { abandonIfExpired, storeUnavailable, withDeadline } from "../system/deadline.ts";
import { isContention } from "./contention.ts";
import { fromJobDocument, toJobDocument } from "./job-document.ts";
import { budgetShardDoc, idempotencyDoc, jobDoc, usageDoc, userDoc } from "./paths.ts";
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

/**
 * Admissions one instance runs against Firestore at once; the others wait their turn in arrival
 * order. Without a bound, a burst as large as the function's concurrency starts that many
 * transactions together, a slow store then answers none of them within its deadline, and every one
 * is retried by its client: work spent for nothing. At tens of milliseconds a transaction, 10 at
 * a time still admit a few hundred a second per instance, several times the image queue's rate.
 */
export const ADMISSIONS_IN_FLIGHT = 10;
/** How long a request may wait for one of those turns before it answers UNAVAILABLE without trying. */
export const ADMISSION_TURN_WAIT_MS = 10_000;

export class FirestoreAdmissionStore implements AdmissionStore {
  private readonly db: Firestore;
  private readonly perUser = new PerKeySerializer();
  private readonly perShard = new PerKeySerializer();
  private readonly turns: LimitFunction;
  private readonly turnWaitMs: number;

  constructor(db: Firestore, turns: { inFlight?: number; waitMs?: number } = {}) {
    this.db = db;
    this.turns = pLimit(turns.inFlight ?? ADMISSIONS_IN_FLIGHT);
    this.turnWaitMs = turns.waitMs ?? ADMISSION_TURN_WAIT_MS;
  }

  admit(input: AdmissionInput, decide: (state: AdmissionState) => AdmissionDecision): Promise<AdmissionDecision> {
    const queuedAt = performance.now();
    return this.perUser.run(input.uid, async () => {
      if (performance.now() - queuedAt > USER_QUEUE_WAIT_MS)
        throw busy(new Error("waited too long behind the user's own requests"));
      const turnAskedAt = performance.now();
      return this.turns(async () => {
        if (performance.now() - turnAskedAt > this.turnWaitMs)
          throw storeUnavailable(new Error(`no admission turn within ${this.turnWaitMs} ms`));
        return this.admitWithRetries(input, decide);
      });
    });
  }

  private async admitWithRetries(
    input: AdmissionInput,
    decide: (state: AdmissionState) => AdmissionDecision,
  ): Promise<AdmissionDecision> {
    try {
      return await pRetry(
        async () =>
          (await this.admitOnce(input, decide, false)) ?? (await this.admitOnce(input, decide, true)) ?? spillFailed(),
        {
          retries: 20,
          minTimeout: 25,
          maxTimeout: 500,
          randomize: true,
          maxRetryTime: CONTENTION_RETRY_MS,
          shouldRetry: ({ error }) => isContention(error),
        },
      );
    } catch (error) {
      if (isContention(error)) throw busy(error);
      throw error;
    }
  }

  /**
   * One transaction. Without `spill` it reads one random budget shard and answers undefined, having
   * written nothing, when that shard lacks room; with `spill` it reads every shard. Spill
   * transactions queue behind each other in this process (one lane per day): parallel
   * transactions that read all shards and then write some only stall each other.
   */
  private async admitOnce(
    input: AdmissionInput,
    decide: (state: AdmissionState) => AdmissionDecision,
    spill: boolean,
  ): Promise<AdmissionDecision | undefined> {
    const user = userDoc(this.db, input.uid);
    const usage = usageDoc(this.db, input.uid, input.day);
    const idempotency = input.idempotencyKey ? idempotencyDoc(this.db, input.uid, input.idempotencyKey) : undefined;
    // A random first shard per attempt spreads admissions over the shards; within this process the
    // admissions that start on one shard queue behind each other, as one user's do, because
    // parallel transactions on one document only abort each other.
    const budget = input.budget;
    const start = budget ? Math.floor(Math.random() * budget.shards) : 0;
    const inLane = <T>(task: () => Promise<T>) =>
      budget ? this.perShard.run(spill ? `${input.day}_spill` : `${input.day}_${start}`, task) : task();
    return inLane(() =>
      withDeadline((expired) =>
        this.db.runTransaction(async (tx) => {
          abandonIfExpired(expired);
          // One BatchGetDocuments for the three: separate gets in a transaction cost a round trip
          // for the first (which starts the transaction) and then one more for the others.
          const [userSnap, usageSnap, keySnap] = (await tx.getAll(
            ...(idempotency ? [user, usage, idempotency] : [user, usage]),
          )) as [DocumentSnapshot, DocumentSnapshot, DocumentSnapshot | undefined];
          let existingJob: Job | undefined;
          const existingId = keySnap?.get("jobId") as string | undefined;
          if (existingId) {
            const jobSnap = await tx.get(jobDoc(this.db, existingId));
            if (jobSnap.exists) existingJob = fromJobDocument(jobSnap.id, jobSnap.data() ?? {});
          }
          const burst = burstOf(usageSnap.get("burst"), input.minute);
          const decision = decide({
            tier: tierOf(userSnap.get("tier")),
            used: Number(usageSnap.get(input.kind) ?? 0),
            admittedThisMinute: burst,
            ...(existingJob ? { existingJob } : {}),
          });
          if (decision.type !== "create" && decision.type !== "charge") return decision;

          const budgetPieces = budget
            ? await this.reserve(tx, input.day, budget, start, input.costMicroUsd, spill)
            : [];
          if (budgetPieces === "spill") return undefined;
          if (!budgetPieces) return { type: "over-budget" } as const;
          const expireAt = Timestamp.fromMillis(Date.parse(`${input.day}T00:00:00Z`) + RETENTION_MS);
          for (const piece of budgetPieces) {
            tx.set(
              budgetShardDoc(this.db, input.day, piece.shard),
              {
                day: input.day,
                shard: piece.shard,
                reservedMicroUsd: FieldValue.increment(piece.microUsd),
                // The cap this admission enforced, so an operator reads the budget in force, not
                // the one a config file says now.
                ...(budget ? { dailyMicroUsd: budget.dailyMicroUsd } : {}),
                expireAt,
              },
              { merge: true },
            );
          }
          // The burst counter is a field of the usage document the admission writes anyway: exact
          // (read in this transaction) and no extra document write per admission.
          tx.set(
            usage,
            {
              uid: input.uid,
              day: input.day,
              [input.kind]: FieldValue.increment(1),
              costMicroUsd: FieldValue.increment(input.costMicroUsd),
              costMicroUsdByKind: { [input.kind]: FieldValue.increment(input.costMicroUsd) },
              burst: { minute: input.minute, count: burst + 1 },
              expireAt,
            },
            { merge: true },
          );
          const reserved = input.budget ? { budgetPieces } : {};
          if (decision.type === "charge") {
            abandonIfExpired(expired);
            return { type: "charge", ...reserved } as const;
          }
          const job: Job = { ...decision.job, costMicroUsd: input.costMicroUsd, ...reserved };
          tx.create(jobDoc(this.db, job.id), toJobDocument(job));
          if (idempotency) tx.set(idempotency, { uid: input.uid, jobId: job.id, expireAt });
          abandonIfExpired(expired);
          return { type: "create", job } as const;
        }),
      ),
    );
  }

  /**
   * Takes the cost from the day's budget shards, or answers undefined when they cannot hold it.
   * Exact across instances: every shard whose room is counted was read in this transaction, and the
   * transaction commits only if none of them changed since, so no shard ever passes its cap and the
   * caps sum to the budget. The others are read only when the first lacks room (near the budget's
   * end, when contention no longer matters).
   */
  private async reserve(
    tx: Transaction,
    day: string,
    budget: DailyBudget,
    start: number,
    cost: number,
    spill: boolean,
  ): Promise<BudgetPiece[] | undefined | "spill"> {
    const caps = shardCaps(budget);
    const order = shardOrder(start, budget.shards);
    const reservedOf = (snap: DocumentSnapshot) => Number(snap.get("reservedMicroUsd") ?? 0);
    const first = order[0] as number;
    const reserved = new Map([[first, reservedOf(await tx.get(budgetShardDoc(this.db, day, first)))]]);
    const fits = takeFromShards([first], reserved, caps, cost);
    if (fits) return fits;
    if (!spill) return "spill";
    const rest = order.slice(1);
    if (rest.length === 0) return undefined;
    const snaps = await tx.getAll(...rest.map((shard) => budgetShardDoc(this.db, day, shard)));
    rest.forEach((shard, i) => {
      reserved.set(shard, reservedOf(snaps[i] as DocumentSnapshot));
    });
    return takeFromShards(order, reserved, caps, cost);
  }

  async refundCharge(input: ChargeRefund): Promise<void> {
    // One batch: the unit, its cost and its budget pieces go back together or not at all. The
    // amounts were charged, so every counter stays >= 0.
    const batch = this.db.batch();
    batch.update(usageDoc(this.db, input.uid, input.day), {
      [input.kind]: FieldValue.increment(-1),
      ...(input.costMicroUsd
        ? {
            costMicroUsd: FieldValue.increment(-input.costMicroUsd),
            [`costMicroUsdByKind.${input.kind}`]: FieldValue.increment(-input.costMicroUsd),
          }
        : {}),
    });
    for (const piece of input.budgetPieces ?? []) {
      batch.update(budgetShardDoc(this.db, input.day, piece.shard), {
        reservedMicroUsd: FieldValue.increment(-piece.microUsd),
      });
    }
    await withDeadline(() => batch.commit());
  }
}

/** The admissions already counted in `minute`: a counter of an earlier minute counts for nothing. */
function burstOf(value: unknown, minute: string): number {
  const burst = value as { minute?: unknown; count?: unknown } | undefined;
  return burst?.minute === minute ? Number(burst.count ?? 0) : 0;
}

function spillFailed(): never {
  throw new Error("FirestoreAdmissionStore: a spill transaction must decide");
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
