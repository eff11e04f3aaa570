// The daily per-user limits the admission functions enforce (TIER_LIMITS) are the real cost cap of the
// platform: they stay under the stack's caps for every tier and kind.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";
import { asNumber, asRecord, asString } from "../values.ts";

const kindCaps = z.record(z.string(), z.number().int().positive());

export const configSchema = z.strictObject({
  /** Environment variable carrying `{ tier: { kind: dailyLimit } }` as JSON. */
  variable: z.string().min(1).default("TIER_LIMITS"),
  /** Caps per tier and kind; a tier or kind missing here is not allowed. */
  caps: z.record(z.string(), kindCaps).default({
    free: { image: 50, video: 5, agent: 100 },
    pro: { image: 1000, video: 100, agent: 2000 },
  }),
});

export const gcpCloudfunctionsFunctionTierLimits = functionPolicy({
  name: "gcp-cloudfunctions-function-tier-limits",
  description:
    "The per-tier daily limits handed to functions (TIER_LIMITS) are valid JSON and under the stack's caps " +
    "for every tier and kind. See https://cloud.google.com/vertex-ai/generative-ai/docs/quotas",
  url: "https://cloud.google.com/vertex-ai/generative-ai/docs/quotas",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, config, reportViolation) => {
    const raw = fn.env[config.variable];
    if (raw === undefined) return;
    const text = asString(raw);
    if (text === undefined) return;
    let limits: Record<string, unknown> | undefined;
    try {
      limits = asRecord(JSON.parse(text));
    } catch {
      limits = undefined;
    }
    if (!limits) {
      reportViolation(`function ${fn.name}: ${config.variable} is not a JSON object of tiers`);
      return;
    }
    for (const [tier, kinds] of Object.entries(limits)) {
      const tierCaps = config.caps[tier];
      if (!tierCaps) {
        reportViolation(`function ${fn.name}: ${config.variable} has tier "${tier}", which has no cap`);
        continue;
      }
      for (const [kind, value] of Object.entries(asRecord(kinds) ?? {})) {
        const limit = asNumber(value);
        const cap = tierCaps[kind];
        if (cap === undefined) {
          reportViolation(`function ${fn.name}: ${config.variable} has ${tier}.${kind}, which has no cap`);
        } else if (limit === undefined || limit > cap) {
          reportViolation(
            `function ${fn.name}: ${config.variable} ${tier}.${kind} ${String(value)} exceeds the cap ${cap}`,
          );
        }
      }
    }
  },
});
