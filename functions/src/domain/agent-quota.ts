// The agent's quota: one unit of `agent` per conversation turn, charged before any model call,
// through the same admission transaction as jobs (so tiers, days and contention behave the same).
import { MODELS, type TierLimits, type TierName } from "@genai-platform/definition";
import type { AdmissionStore, Clock, EventLog } from "../ports/index.ts";
import { budgetExhausted, quotaRefusal } from "./admission.ts";
import type { BudgetPiece, DailyBudget } from "./budget.ts";
import { utcDay, utcMinute } from "./calendar.ts";
import { AppError } from "./errors.ts";
import { agentTurnCostMicroUsd } from "./job-cost.ts";

export interface AgentQuotaDeps {
  admissions: AdmissionStore;
  events: EventLog;
  clock: Clock;
  limits: TierLimits;
  /** The agent's model id, whose price a turn's cost is estimated at; default the definition's. */
  model?: string;
  /** The stack's global daily budget; absent: unlimited. */
  budget?: DailyBudget;
}

/** One charged agent turn: the day it was charged to is the day a refund returns it to. */
export interface AgentCharge {
  tier: TierName;
  used: number;
  limit: number;
  day: string;
  /** The turn's estimated cost and where the budget holds it: a refund returns exactly these. */
  costMicroUsd: number;
  budgetPieces?: BudgetPiece[];
}

/**
 * Returns a turn's unit when its model call failed (5xx, 429, a broken stream): nothing was
 * delivered, so nothing is charged. Charging first and refunding after keeps the limit exact under
 * concurrency — parallel turns can never pass it, a refund only lowers the count — at the cost of a
 * turn being refused while a failing one still holds its unit.
 */
export async function refundAgentTurn(deps: AgentQuotaDeps, uid: string, charge: AgentCharge): Promise<void> {
  await deps.admissions.refundCharge({
    uid,
    kind: "agent",
    day: charge.day,
    costMicroUsd: charge.costMicroUsd,
    ...(charge.budgetPieces ? { budgetPieces: charge.budgetPieces } : {}),
  });
}

/** Charges one agent message to the caller today, or throws QUOTA_EXCEEDED / RATE_LIMITED / BUDGET_EXHAUSTED / BUSY. */
export async function chargeAgentTurn(
  deps: AgentQuotaDeps,
  input: { uid: string; trace?: string },
): Promise<AgentCharge> {
  const now = deps.clock.now();
  const day = utcDay(now);
  const costMicroUsd = agentTurnCostMicroUsd(deps.model ?? MODELS.agent);
  let charged: AgentCharge | undefined;
  const admission = {
    uid: input.uid,
    kind: "agent" as const,
    day,
    minute: utcMinute(now),
    costMicroUsd,
    ...(deps.budget ? { budget: deps.budget } : {}),
  };
  const decision = await deps.admissions.admit(admission, (state) => {
    const refusal = quotaRefusal(deps.limits, state, "agent", now);
    if (refusal) return { type: "reject", error: refusal };
    charged = { tier: state.tier, used: state.used + 1, limit: deps.limits[state.tier].agent, day, costMicroUsd };
    return { type: "charge" };
  });
  if (decision.type !== "charge" || !charged) {
    const error =
      decision.type === "reject"
        ? decision.error
        : decision.type === "over-budget"
          ? budgetExhausted(now)
          : new Error("chargeAgentTurn: no charge decided");
    deps.events.generation(
      {
        event: "rejected",
        uid: input.uid,
        kind: "agent",
        status: "rejected",
        errorCode: error instanceof AppError ? error.code : "INTERNAL",
        ...(input.trace ? { trace: input.trace } : {}),
      },
      "WARNING",
    );
    throw error;
  }
  return decision.budgetPieces ? { ...charged, budgetPieces: decision.budgetPieces } : charged;
}
