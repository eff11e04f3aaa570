// GET getUsage: the caller's tier and today's (UTC) usage, limit and remaining units per kind, and
// the estimated cost of today's admissions (refunds deducted).
import type { UsageView } from "@genai-platform/client/api";
import { type TierLimits, usageKindSchema } from "@genai-platform/definition";
import { nextUtcMidnight, utcDay } from "../../../domain/calendar.ts";
import type { Clock, IdentityVerifier, UsageReader } from "../../../ports/index.ts";
import type { HttpAnswer, RequestContext } from "../http-types.ts";
import { bearerToken } from "../request-parsing.ts";

export interface GetUsageDeps {
  identity: IdentityVerifier;
  usage: () => UsageReader;
  clock: Clock;
  limits: TierLimits;
}

export function getUsageHandler(deps: GetUsageDeps): (ctx: RequestContext) => Promise<HttpAnswer> {
  return async (ctx) => {
    const { uid } = await deps.identity.verify(bearerToken(ctx));
    const now = deps.clock.now();
    const day = utcDay(now);
    const { tier, used, costMicroUsd } = await deps.usage().read(uid, day);
    const kinds = Object.fromEntries(
      usageKindSchema.options.map((kind) => {
        const limit = deps.limits[tier][kind];
        return [kind, { used: used[kind], limit, remaining: Math.max(0, limit - used[kind]) }];
      }),
    ) as UsageView["kinds"];
    const body: UsageView = {
      tier,
      day,
      resetsAt: nextUtcMidnight(now).toISOString(),
      kinds,
      costUsd: costMicroUsd / 1_000_000,
    };
    return { status: 200, body };
  };
}
