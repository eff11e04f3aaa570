// The project has a Cloud Billing budget that notifies: thresholds and a monitoring channel, scoped
// to projects. A budget does not cap spend, but without one nobody hears of a runaway month.
import * as gcp from "@pulumi/gcp";
import { z } from "zod";
import { functionView, spendingFunctionsSchema } from "../functions.ts";
import { type PackStackPolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";
import { asArray, asRecord, pulumiType } from "../values.ts";

const NAME = "gcp-billing-budget-present";
const BUDGET = pulumiType(gcp.billing.Budget);

export const configSchema = z.strictObject({
  /** Function (service) names that admit generations: a stack with none of them spends nothing to budget. */
  spendingFunctions: spendingFunctionsSchema,
});

export const gcpBillingBudgetPresent: PackStackPolicy = {
  name: NAME,
  description:
    "A stack with functions that spend declares a billing budget (stack config genai-platform:billingAccountId) scoped to its project, " +
    "with threshold rules and a monitoring notification channel. See https://cloud.google.com/billing/docs/how-to/budgets",
  url: "https://cloud.google.com/billing/docs/how-to/budgets",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateStack: (args, reportViolation) => {
    const { spendingFunctions } = readConfig(NAME, configSchema, args);
    const spending = args.resources.some((r) => {
      const fn = functionView(r.type, r.props, r.name);
      return fn !== undefined && spendingFunctions.includes(fn.name);
    });
    if (!spending) return;
    const budgets = args.resources.filter((r) => r.type === BUDGET);
    if (budgets.length === 0) {
      reportViolation(
        "no billing budget: set genai-platform:billingAccountId (and dailyBudgetUsd or monthlyBudgetUsd)",
      );
      return;
    }
    for (const budget of budgets) {
      const props = budget.props;
      if (asArray(asRecord(props.budgetFilter)?.projects).length === 0) {
        reportViolation(`budget ${budget.name} is not scoped to a project (budgetFilter.projects is empty)`);
      }
      if (asArray(props.thresholdRules).length === 0) {
        reportViolation(`budget ${budget.name} has no threshold rules, so it never notifies`);
      }
      if (asArray(asRecord(props.allUpdatesRule)?.monitoringNotificationChannels).length === 0) {
        reportViolation(
          `budget ${budget.name} notifies no monitoring channel (allUpdatesRule.monitoringNotificationChannels)`,
        );
      }
    }
  },
};
