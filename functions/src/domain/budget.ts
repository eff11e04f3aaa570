// The global daily budget, split into shards: which share each shard may hold, and how a cost is
// taken from the shards an admission read. Pure arithmetic on whole micro-USD; the store reads and
// writes the shards inside the admission's transaction.

/** The budget an admission reserves against: the day's total and the shards it is split over. */
export interface DailyBudget {
  /** The whole day's budget in micro-USD. */
  dailyMicroUsd: number;
  shards: number;
}

/** The part of a reservation held by one shard; a refund returns exactly these. */
export interface BudgetPiece {
  shard: number;
  microUsd: number;
}

/**
 * Each shard's cap: the budget divided as evenly as whole micro-USD allow. The caps sum to the
 * budget exactly, so a reservation that respects every cap can never take the sum past it.
 */
export function shardCaps(budget: DailyBudget): number[] {
  const base = Math.floor(budget.dailyMicroUsd / budget.shards);
  const extra = budget.dailyMicroUsd - base * budget.shards;
  return Array.from({ length: budget.shards }, (_, shard) => base + (shard < extra ? 1 : 0));
}

/** Shards in the order an admission tries them: from `start`, wrapping round. */
export function shardOrder(start: number, shards: number): number[] {
  return Array.from({ length: shards }, (_, i) => (start + i) % shards);
}

/**
 * Takes `cost` from the shards in `order`, each up to its cap minus what it already holds, or
 * answers undefined when together they cannot hold it (nothing is taken then). A cost may span
 * shards, so the whole budget can be spent, not only what fits in one shard's share.
 */
export function takeFromShards(
  order: readonly number[],
  reserved: ReadonlyMap<number, number>,
  caps: readonly number[],
  cost: number,
): BudgetPiece[] | undefined {
  const pieces: BudgetPiece[] = [];
  let left = cost;
  for (const shard of order) {
    if (left === 0) break;
    const room = Math.max(0, (caps[shard] ?? 0) - (reserved.get(shard) ?? 0));
    const take = Math.min(room, left);
    if (take > 0) {
      pieces.push({ shard, microUsd: take });
      left -= take;
    }
  }
  return left === 0 ? pieces : undefined;
}
