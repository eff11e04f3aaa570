// The day's global budget as its shards hold it: point reads of `budgetShards/{day}_{shard}` for
// every shard id (known without a query, as admissions derive them), summed. For operators: the
// admissions themselves read only the shards their transaction needs.
import type { Firestore } from "firebase-admin/firestore";
import { withDeadline } from "../system/deadline.ts";
import { budgetShardDoc } from "./paths.ts";

export interface BudgetSpend {
  day: string;
  /** Reserved minus refunded, over every shard of the day, in micro-USD. */
  spentMicroUsd: number;
  /** The cap the last admission enforced (its shards record it); absent when none did. */
  capMicroUsd?: number;
  /** How many of the day's shards exist (an admission creates a shard the first time it uses it). */
  shards: number;
}

export class FirestoreBudgetReader {
  private readonly db: Firestore;

  constructor(db: Firestore) {
    this.db = db;
  }

  /** Reads shards `0..shards-1` of `day`; `shards` is the definition's `budget.shards`. */
  async read(day: string, shards: number): Promise<BudgetSpend> {
    const refs = Array.from({ length: shards }, (_, shard) => budgetShardDoc(this.db, day, shard));
    const snaps = (await withDeadline(() => this.db.getAll(...refs))).filter((snap) => snap.exists);
    const spentMicroUsd = snaps.reduce((sum, snap) => sum + Math.max(0, Number(snap.get("reservedMicroUsd") ?? 0)), 0);
    // A redeploy may change the cap during the day: the shard written last carries the one in force.
    // Shards written before the cap was recorded on them carry none.
    const latest = snaps
      .filter((snap) => typeof snap.get("dailyMicroUsd") === "number")
      .sort((a, b) => (b.updateTime?.toMillis() ?? 0) - (a.updateTime?.toMillis() ?? 0))[0];
    const cap = latest?.get("dailyMicroUsd") as number | undefined;
    return { day, spentMicroUsd, shards: snaps.length, ...(cap !== undefined ? { capMicroUsd: cap } : {}) };
  }
}
