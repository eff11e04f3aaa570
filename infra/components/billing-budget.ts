// A Cloud Billing budget on the stack's project: a monthly amount in USD, notifications at 50, 80
// and 100 % of actual spend and at 100 % of forecast spend, sent to the stack's alert channel.
// A budget only notifies; the daily cap the admissions reserve against is what stops spending.

import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface BillingBudgetArgs {
  /** Billing account paying for the project, `XXXXXX-XXXXXX-XXXXXX`. */
  billingAccountId: string;
  /** Number of the project whose spend the budget counts. */
  projectNumber: pulumi.Input<string>;
  /** Monthly amount in USD (whole cents). */
  monthlyAmountUsd: number;
  /** Full name (`projects/P/notificationChannels/ID`) of the channel that receives the alerts. */
  notificationChannel: pulumi.Input<string>;
  /** Environment name, for the budget's display name. */
  environment: string;
  /** Fractions of the amount at which actual spend notifies. Default: 0.5, 0.8, 1.0. */
  currentSpendThresholds?: readonly number[];
  /** Fractions of the amount at which forecast spend notifies. Default: 1.0. */
  forecastedSpendThresholds?: readonly number[];
}

export class BillingBudget extends pulumi.ComponentResource {
  readonly budget: gcp.billing.Budget;

  constructor(name: string, args: BillingBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:BillingBudget", name, {}, opts);
    const normalized = normalizeBillingBudgetArgs(args);
    this.budget = createBudget(this, name, normalized);
    this.registerOutputs({ budget: this.budget.name });
  }
}

type Normalized = ReturnType<typeof normalizeBillingBudgetArgs>;

function normalizeBillingBudgetArgs(args: BillingBudgetArgs) {
  if (!(args.monthlyAmountUsd > 0)) {
    throw new Error(`BillingBudget: monthlyAmountUsd must be positive, got ${args.monthlyAmountUsd}`);
  }
  return {
    ...args,
    currentSpendThresholds: args.currentSpendThresholds ?? [0.5, 0.8, 1.0],
    forecastedSpendThresholds: args.forecastedSpendThresholds ?? [1.0],
  };
}

/**
 * A USD amount as the Budget API's Money: whole `units` as a string, the rest in `nanos`.
 * Source: https://cloud.google.com/billing/docs/reference/budget/rest/v1/billingAccounts.budgets#BudgetAmount
 * (specifiedAmount is a google.type.Money)
 */
export function usdMoney(amount: number): { currencyCode: string; units: string; nanos: number } {
  const cents = Math.round(amount * 100);
  return { currencyCode: "USD", units: String(Math.floor(cents / 100)), nanos: (cents % 100) * 10_000_000 };
}

function createBudget(parent: pulumi.Resource, prefix: string, args: Normalized): gcp.billing.Budget {
  return new gcp.billing.Budget(
    `${prefix}-budget`,
    {
      billingAccount: args.billingAccountId,
      // At most 60 characters.
      // Source: https://www.pulumi.com/registry/packages/gcp/api-docs/billing/budget/ (displayName)
      displayName: `genai-platform ${args.environment} monthly`,
      budgetFilter: {
        // Projects are named by number here, not by id.
        // Source: https://cloud.google.com/billing/docs/reference/budget/rest/v1/billingAccounts.budgets#Filter
        projects: [pulumi.interpolate`projects/${args.projectNumber}`],
        calendarPeriod: "MONTH",
      },
      // The currency must be the billing account's own: a USD budget on an account billed in another
      // currency is refused, which is safer than a budget silently counted in another unit.
      // Source: https://www.pulumi.com/registry/packages/gcp/api-docs/billing/budget/ (specifiedAmount:
      // "If specified, it must match the currency of the billing account")
      amount: { specifiedAmount: usdMoney(args.monthlyAmountUsd) },
      thresholdRules: [
        ...args.currentSpendThresholds.map((thresholdPercent) => ({ thresholdPercent, spendBasis: "CURRENT_SPEND" })),
        ...args.forecastedSpendThresholds.map((thresholdPercent) => ({
          thresholdPercent,
          spendBasis: "FORECASTED_SPEND",
        })),
      ],
      // The stack's channel in addition to the billing account's own administrators and users, who
      // keep their default emails. At most 5 channels, each `projects/P/notificationChannels/ID`.
      // Source: https://cloud.google.com/billing/docs/reference/budget/rest/v1/billingAccounts.budgets#NotificationsRule
      allUpdatesRule: { monitoringNotificationChannels: [args.notificationChannel] },
    },
    { parent },
  );
}
