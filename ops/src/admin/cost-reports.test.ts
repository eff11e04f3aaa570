// The budget report's cap when the day's shards say nothing, or something else than the stack's
// file: the shards themselves are read against the emulator in admin.local-platform.test.ts; here a
// stand-in answers what they held, and the stacks' real Pulumi files give the configured cap.
import { resolve } from "node:path";
import type { BudgetSpend } from "@genai-platform/functions/adapters/firestore/firestore-budget-reader.ts";
import { describe, expect, it } from "vitest";
import { stackSettings } from "../targets.ts";
import type { FirestoreAdminStore } from "./admin-store.ts";
import { budgetReport } from "./cost-reports.ts";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");
const NOW = new Date("2026-12-02T16:00:00Z");
const BASE = { command: "budget", target: "global" } as const;

/** Only `budget` is called by the report. */
const shardsHolding = (spend: Omit<BudgetSpend, "day">) =>
  ({ budget: async (day: string) => ({ day, ...spend }) }) as unknown as FirestoreAdminStore;

describe("the budget report on a stack", () => {
  it.each([
    ["dev", 20],
    ["prod", 500],
  ] as const)(
    "takes the %s stack's dailyBudgetUsd (%d USD) as the cap before the day's first admission",
    async (stack, usd) => {
      const settings = stackSettings(ROOT, stack);
      expect(settings.dailyBudgetUsd).toBe(usd);
      const report = await budgetReport(
        BASE,
        shardsHolding({ spentMicroUsd: 0, shards: 0 }),
        { environment: stack, ...settings },
        NOW,
      );
      expect(report.lines).toEqual([
        `budget on 2026-12-02 (UTC): 0.0000 USD of ${usd.toFixed(4)} USD (0 %), 0 shards`,
        `  cap from Pulumi.${stack}.yaml dailyBudgetUsd`,
      ]);
      expect(report.result.cap).toEqual({ usd, microUsd: usd * 1e6, source: `Pulumi.${stack}.yaml dailyBudgetUsd` });
    },
  );

  it("prefers the cap the shards record, and says when the stack's file sets another (not deployed yet)", async () => {
    const report = await budgetReport(
      BASE,
      shardsHolding({ spentMicroUsd: 5_000_000, capMicroUsd: 10_000_000, shards: 7 }),
      { environment: "dev", dailyBudgetUsd: 20 },
      NOW,
    );
    expect(report.lines).toEqual([
      "budget on 2026-12-02 (UTC): 5.0000 USD of 10.0000 USD (50 %), 7 shards",
      "  cap from the day's shards",
      "  Pulumi.dev.yaml dailyBudgetUsd says 20.0000 USD: in force once deployed",
    ]);
    expect(report.result).toMatchObject({ percent: 50, shards: 7, spent: { usd: 5, microUsd: 5_000_000 } });
  });

  it("reports spend without a cap as no budget set", async () => {
    const report = await budgetReport(
      BASE,
      shardsHolding({ spentMicroUsd: 156_000, shards: 1 }),
      { environment: "prod" },
      NOW,
    );
    expect(report.lines).toEqual(["budget on 2026-12-02 (UTC): no budget set; 0.1560 USD reserved, 1 shard"]);
    expect(report.result).toMatchObject({ cap: null, percent: null });
  });
});
