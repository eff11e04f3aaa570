// The two reports about money: one user's usage and cost today, and the platform's global daily
// budget (spent against its cap). Both read what the functions wrote, through the functions' own
// readers, so the layout of the usage and budget documents lives in one place.
import type { TierLimits, UsageKind } from "@genai-platform/definition";
import { utcDay } from "@genai-platform/functions/domain/calendar.ts";
import type { FirestoreAdminStore } from "./admin-store.ts";
import type { AdminReport, AdminTarget } from "./run-admin.ts";

type ReportBase = Pick<AdminReport, "command" | "target">;

const usd = (microUsd: number) => microUsd / 1_000_000;
/** Four decimals: an image costs a few cents, an agent turn a fraction of one. */
const shown = (microUsd: number) => `${usd(microUsd).toFixed(4)} USD`;

export async function usageReport(
  base: ReportBase,
  uid: string,
  store: FirestoreAdminStore,
  limits: TierLimits,
  now: Date,
): Promise<AdminReport> {
  const day = utcDay(now);
  const { tier, used, costMicroUsd, costMicroUsdByKind } = await store.usage(uid, day);
  const kinds = (Object.keys(used) as UsageKind[]).map((kind) => ({
    kind,
    used: used[kind],
    limit: limits[tier][kind],
    costMicroUsd: costMicroUsdByKind[kind],
  }));
  return {
    ...base,
    ok: true,
    lines: [
      `usage of ${uid} on ${day} (UTC), tier ${tier}:`,
      ...kinds.map(
        (k) => `  ${k.kind.padEnd(6)} ${String(k.used).padStart(5)} / ${k.limit}   ${shown(k.costMicroUsd)}`,
      ),
      // The estimate charged at admission, refunds deducted: what getUsage reports as costUsd.
      `  cost   ${shown(costMicroUsd)} estimated (refunds deducted)`,
    ],
    result: {
      uid,
      day,
      tier,
      kinds: Object.fromEntries(
        kinds.map((k) => [
          k.kind,
          { used: k.used, limit: k.limit, costUsd: usd(k.costMicroUsd), costMicroUsd: k.costMicroUsd },
        ]),
      ),
      cost: { usd: usd(costMicroUsd), microUsd: costMicroUsd },
    },
  };
}

export async function budgetReport(
  base: ReportBase,
  store: FirestoreAdminStore,
  target: Pick<AdminTarget, "environment" | "dailyBudgetUsd">,
  now: Date,
): Promise<AdminReport> {
  const day = utcDay(now);
  const spend = await store.budget(day);
  const configured = target.dailyBudgetUsd === undefined ? undefined : Math.round(target.dailyBudgetUsd * 1_000_000);
  const configSource =
    target.environment === "local"
      ? "the local platform's --daily-budget-usd"
      : `Pulumi.${target.environment}.yaml dailyBudgetUsd`;
  // The shards carry the cap the functions enforced; the config file is only what the next
  // admission will enforce if it has been deployed, so it answers only when no shard does.
  const cap =
    spend.capMicroUsd !== undefined
      ? { microUsd: spend.capMicroUsd, source: "the day's shards" }
      : configured !== undefined
        ? { microUsd: configured, source: configSource }
        : undefined;
  const percent = cap && cap.microUsd > 0 ? Math.round((spend.spentMicroUsd / cap.microUsd) * 1000) / 10 : null;
  const shards = `${spend.shards} shard${spend.shards === 1 ? "" : "s"}`;
  const lines = cap
    ? [
        `budget on ${day} (UTC): ${shown(spend.spentMicroUsd)} of ${shown(cap.microUsd)} (${percent} %), ${shards}`,
        `  cap from ${cap.source}`,
      ]
    : [`budget on ${day} (UTC): no budget set; ${shown(spend.spentMicroUsd)} reserved, ${shards}`];
  if (cap && configured !== undefined && configured !== cap.microUsd) {
    lines.push(`  ${configSource} says ${shown(configured)}: in force once deployed`);
  }
  return {
    ...base,
    ok: true,
    lines,
    result: {
      day,
      spent: { usd: usd(spend.spentMicroUsd), microUsd: spend.spentMicroUsd },
      cap: cap ? { usd: usd(cap.microUsd), microUsd: cap.microUsd, source: cap.source } : null,
      percent,
      shards: spend.shards,
    },
  };
}
