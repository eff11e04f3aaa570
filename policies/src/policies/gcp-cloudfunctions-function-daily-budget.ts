// The endpoints that spend reserve against a platform-wide daily budget: without DAILY_BUDGET_USD a
// flood of valid accounts, each within its tier, has no ceiling but the billing account.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";
import { spendingFunctionsSchema } from "../functions.ts";
import { asNumber, asString } from "../values.ts";

export const configSchema = z.strictObject({
  /** Function (service) names that admit generations. */
  spendingFunctions: spendingFunctionsSchema,
  /** Environment variable carrying the budget in USD. */
  variable: z.string().min(1).default("DAILY_BUDGET_USD"),
  /** Highest daily budget the stack may set, in USD; absent: no cap. */
  maxDailyBudgetUsd: z.number().positive().optional(),
});

export const gcpCloudfunctionsFunctionDailyBudget = functionPolicy({
  name: "gcp-cloudfunctions-function-daily-budget",
  description:
    "Functions that spend (spendingFunctions) carry a positive daily budget in USD (DAILY_BUDGET_USD), " +
    "under maxDailyBudgetUsd when set. See https://cloud.google.com/vertex-ai/generative-ai/pricing",
  url: "https://cloud.google.com/vertex-ai/generative-ai/pricing",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, config, reportViolation) => {
    if (!config.spendingFunctions.includes(fn.name)) return;
    const raw = fn.env[config.variable];
    if (raw === undefined) {
      reportViolation(
        `function ${fn.name}: ${config.variable} is unset, so spending is unlimited (stack config genai-platform:dailyBudgetUsd)`,
      );
      return;
    }
    if (asString(raw) === undefined && typeof raw !== "number") return;
    const budget = asNumber(raw);
    if (budget === undefined || budget <= 0) {
      reportViolation(`function ${fn.name}: ${config.variable} ${String(raw)} is not a positive amount of USD`);
    } else if (config.maxDailyBudgetUsd !== undefined && budget > config.maxDailyBudgetUsd) {
      reportViolation(
        `function ${fn.name}: ${config.variable} ${budget} exceeds the cap ${config.maxDailyBudgetUsd} (maxDailyBudgetUsd)`,
      );
    }
  },
});
