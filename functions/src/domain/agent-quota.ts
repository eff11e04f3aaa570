// The agent's quota: one unit of `agent` per conversation turn, charged before any model call,
// through the same admission transaction as jobs (so tiers, days and contention behave the same).
import type { TierLimits, TierName } from "@genai-platform/definition";
import type { AdmissionStore, Clock, EventLog } from "../ports/index.ts";
import { secondsUntilReset, utcDay } from "./calendar.ts";
import { AppError } from "./errors.ts";

export interface AgentQuotaDeps {
  admissions: AdmissionStore;
  events: EventLog;
  clock: Clock;
  limits: TierLimits;
}

/** One charged agent turn: the day it was charged to is the day a refund returns it to. */
export interface AgentCharge {
  tier: TierName;
  used: number;
  limit: number;
  day: string;
}

/**
 * Returns a turn's unit when its model call failed (5xx, 429, a broken stream): nothing was
 * delivered, so nothing is charged. Charging first and refunding after keeps the limit exact under
 * concurrency — parallel turns can never pass it, a refund only lowers the count — at the cost of a
 * turn being refused while a failing one still holds its unit.
 */
export async function refundAgentTurn(deps: AgentQuotaDeps, uid: string, charge: AgentCharge): Promise<void> {
  await deps.admissions.refundCharge({ uid, kind: "agent", day: charge.day });
}

/** Charges one agent message to the caller today, or throws QUOTA_EXCEEDED / BUSY. */
export async function chargeAgentTurn(
  deps: AgentQuotaDeps,
  input: { uid: string; trace?: string },
): Promise<AgentCharge> {
  const now = deps.clock.now();
  const day = utcDay(now);
  let charged: AgentCharge | undefined;
  const decision = await deps.admissions.admit({ uid: input.uid, kind: "agent", day }, (state) => {
    const limit = deps.limits[state.tier].agent;
    if (state.used >= limit) {
      return {
        type: "reject",
        error: new AppError("QUOTA_EXCEEDED", `daily agent limit of ${limit} reached for the ${state.tier} tier`, {
          retryAfterSeconds: secondsUntilReset(now),
        }),
      };
    }
    charged = { tier: state.tier, used: state.used + 1, limit, day };
    return { type: "charge" };
  });
  if (decision.type === "reject" || !charged) {
    const error = decision.type === "reject" ? decision.error : new Error("chargeAgentTurn: no charge decided");
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
  return charged;
}
