import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shardCaps, shardOrder, takeFromShards } from "./budget.ts";

const budgets = fc.record({
  dailyMicroUsd: fc.integer({ min: 1, max: 10_000_000_000 }),
  shards: fc.integer({ min: 1, max: 500 }),
});

describe("the daily budget's shards", () => {
  it("splits any budget into caps that sum to it exactly and differ by at most one micro-USD", () => {
    fc.assert(
      fc.property(budgets, (budget) => {
        const caps = shardCaps(budget);
        expect(caps).toHaveLength(budget.shards);
        expect(caps.reduce((a, b) => a + b, 0)).toBe(budget.dailyMicroUsd);
        expect(Math.max(...caps) - Math.min(...caps)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("visits every shard once from any start", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (shards, seed) => {
        const order = shardOrder(seed % shards, shards);
        expect(order[0]).toBe(seed % shards);
        expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: shards }, (_, i) => i));
      }),
    );
  });

  it("takes a cost only when the shards hold room for all of it, never past a shard's cap", () => {
    const cases = fc
      .record({ shards: fc.integer({ min: 1, max: 12 }), daily: fc.integer({ min: 1, max: 5_000_000 }) })
      .chain(({ shards, daily }) =>
        fc.record({
          shards: fc.constant(shards),
          daily: fc.constant(daily),
          fill: fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { minLength: shards, maxLength: shards }),
          start: fc.nat({ max: shards - 1 }),
          cost: fc.integer({ min: 1, max: 2_000_000 }),
        }),
      );
    fc.assert(
      fc.property(cases, ({ shards, daily, fill, start, cost }) => {
        const caps = shardCaps({ dailyMicroUsd: daily, shards });
        // Shards part full, some over their cap (a budget lowered during the day).
        const reserved = new Map(caps.map((cap, shard) => [shard, Math.floor(cap * (fill[shard] ?? 0))]));
        const room = caps.reduce((sum, cap, shard) => sum + Math.max(0, cap - (reserved.get(shard) ?? 0)), 0);
        const pieces = takeFromShards(shardOrder(start, shards), reserved, caps, cost);
        if (room < cost) {
          expect(pieces).toBeUndefined();
          return;
        }
        expect(pieces).toBeDefined();
        expect(pieces?.reduce((sum, p) => sum + p.microUsd, 0)).toBe(cost);
        for (const piece of pieces ?? []) {
          expect(piece.microUsd).toBeGreaterThan(0);
          expect((reserved.get(piece.shard) ?? 0) + piece.microUsd).toBeLessThanOrEqual(caps[piece.shard] as number);
        }
        expect(new Set(pieces?.map((p) => p.shard)).size).toBe(pieces?.length);
      }),
    );
  });

  it("takes a cost that fits from the first shard tried alone", () => {
    expect(takeFromShards([2, 0, 1], new Map(), [100, 100, 100], 60)).toEqual([{ shard: 2, microUsd: 60 }]);
    expect(takeFromShards([2, 0, 1], new Map([[2, 70]]), [100, 100, 100], 60)).toEqual([
      { shard: 2, microUsd: 30 },
      { shard: 0, microUsd: 30 },
    ]);
  });
});
