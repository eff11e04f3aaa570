// Spend in Cloud Monitoring: a log-based metric of the estimated model cost of each finished
// generation, an alert when the last 24 h of it cross a share of the daily budget, and an alert on
// every admission refused because the daily budget was spent.

import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { COSTED_EVENTS } from "../analytics-sql.ts";

export interface CostAlertsArgs {
  /** Project of the metric and the policies. */
  project: string;
  /** Full name of the stack's alert channel (`projects/P/notificationChannels/ID`). */
  channel: pulumi.Input<string>;
  /** The sink's filter of generation events (`generationLogFilter()` of the definition). */
  generationFilter: string;
  /** Daily budget in USD; absent: no spend alert (there is nothing to compare with). */
  dailyBudgetUsd?: number;
  /** Share of the daily budget whose crossing alerts. Default: 0.8. */
  alertShare?: number;
  /** Labels (env, managed-by) for the policies. */
  labels: Record<string, string>;
  /** Metric name. Default: `genai_estimated_cost_usd`. */
  metricName?: string;
}

/** The refusal code of an admission past the daily budget (logged at WARNING). */
export const BUDGET_EXHAUSTED = "BUDGET_EXHAUSTED";

export class CostAlerts extends pulumi.ComponentResource {
  readonly metric: gcp.logging.Metric;
  /** The daily spend alert; undefined without a daily budget. */
  readonly spendPolicy: gcp.monitoring.AlertPolicy | undefined;
  readonly exhaustedPolicy: gcp.monitoring.AlertPolicy;

  constructor(name: string, args: CostAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:CostAlerts", name, {}, opts);
    const normalized = normalizeCostAlertsArgs(args);
    this.metric = createCostMetric(this, name, normalized);
    this.spendPolicy =
      normalized.dailyBudgetUsd === undefined
        ? undefined
        : createSpendPolicy(this, name, normalized, normalized.dailyBudgetUsd, this.metric);
    this.exhaustedPolicy = createExhaustedPolicy(this, name, normalized);
    this.registerOutputs({ metric: this.metric.name });
  }
}

type Normalized = ReturnType<typeof normalizeCostAlertsArgs>;

function normalizeCostAlertsArgs(args: CostAlertsArgs) {
  const alertShare = args.alertShare ?? 0.8;
  if (!(alertShare > 0 && alertShare <= 1))
    throw new Error(`CostAlerts: alertShare must be in (0, 1], got ${alertShare}`);
  if (args.dailyBudgetUsd !== undefined && !(args.dailyBudgetUsd > 0)) {
    throw new Error(`CostAlerts: dailyBudgetUsd must be positive, got ${args.dailyBudgetUsd}`);
  }
  return { ...args, alertShare, metricName: args.metricName ?? "genai_estimated_cost_usd" };
}

/** The log filter of the cost metric: terminal generation events (COSTED_EVENTS) that carry a cost. */
export function costLogFilter(generationFilter: string): string {
  const events = COSTED_EVENTS.map((e) => `"${e}"`).join(" OR ");
  // `:*` tests that the field is present. Source: https://cloud.google.com/logging/docs/view/logging-query-language#presence
  return `${generationFilter} AND jsonPayload.event=(${events}) AND jsonPayload.estimatedCostUsd:*`;
}

/**
 * The PromQL name of a log-based metric's sum: `logging.googleapis.com/user/NAME` with the first `/`
 * as `:` and the others as `_`; a distribution is queried like a histogram, with `_sum`.
 * Source: https://cloud.google.com/monitoring/promql/promql-mapping
 */
export function promqlSumOf(metricName: string): string {
  return `logging_googleapis_com:user_${metricName.replace(/[^A-Za-z0-9_]/g, "_")}_sum`;
}

/**
 * Spend over the last 24 h above `threshold` USD. A rolling day, not the UTC day the admissions
 * count: Cloud Monitoring has no calendar-aligned window, and the 24 h range is the longest a PromQL
 * condition takes. A rolling day holds all of today's spend, so it fires no later than a UTC-day sum
 * would, possibly earlier (the safe side).
 * Source: https://cloud.google.com/monitoring/alerts/using-promql ("alignment period of at most 24 hours")
 */
export function dailySpendQuery(metricName: string, threshold: number): string {
  return `sum(increase(${promqlSumOf(metricName)}{monitored_resource="cloud_run_revision"}[24h])) > ${threshold}`;
}

/**
 * A distribution, not a counter: only distribution metrics take a value extractor, and their sum is
 * the spend. Buckets are exponential from 0.1 cent, doubling; the sum is exact whatever the buckets.
 * Source: https://cloud.google.com/logging/docs/logs-based-metrics/distribution-metrics
 */
function createCostMetric(parent: pulumi.Resource, prefix: string, args: Normalized): gcp.logging.Metric {
  return new gcp.logging.Metric(
    `${prefix}-metric`,
    {
      project: args.project,
      name: args.metricName,
      description: "Estimated model cost in USD of each finished generation (terminal generation events).",
      filter: costLogFilter(args.generationFilter),
      metricDescriptor: {
        metricKind: "DELTA",
        valueType: "DISTRIBUTION",
        unit: "USD",
        displayName: "Estimated cost (USD)",
      },
      valueExtractor: "EXTRACT(jsonPayload.estimatedCostUsd)",
      bucketOptions: { exponentialBuckets: { numFiniteBuckets: 24, growthFactor: 2, scale: 0.001 } },
    },
    { parent },
  );
}

/**
 * Detection delay: the log-based metric's latency (a point is written when its entry is ingested,
 * then takes the user-defined metrics' visibility delay) plus at most one 60 s evaluation.
 * Source: https://cloud.google.com/monitoring/api/v3/latency-n-retention
 */
function createSpendPolicy(
  parent: pulumi.Resource,
  prefix: string,
  args: Normalized,
  dailyBudgetUsd: number,
  metric: gcp.logging.Metric,
): gcp.monitoring.AlertPolicy {
  const threshold = Math.round(dailyBudgetUsd * args.alertShare * 100) / 100;
  const percent = Math.round(args.alertShare * 100);
  return new gcp.monitoring.AlertPolicy(
    `${prefix}-daily-spend`,
    {
      project: args.project,
      displayName: `Spend: ${percent} % of the daily budget`,
      severity: "WARNING",
      combiner: "OR",
      conditions: [
        {
          displayName: `estimated cost over 24 h above ${threshold} USD (${percent} % of ${dailyBudgetUsd})`,
          conditionPrometheusQueryLanguage: {
            query: dailySpendQuery(args.metricName, threshold),
            duration: "0s",
            // A positive multiple of 30 s. Source: https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies#prometheusquerylanguagecondition
            evaluationInterval: "60s",
            // The metric has no time series before the first costed generation; a fresh stack's
            // policy must still be accepted. The metric is declared first (dependsOn) all the same.
            disableMetricValidation: true,
          },
        },
      ],
      notificationChannels: [args.channel],
      documentation: {
        content: `Estimated model spend over the last 24 h passed ${threshold} USD, ${percent} % of the daily budget (dailyBudgetUsd ${dailyBudgetUsd}). Admissions are refused with BUDGET_EXHAUSTED at 100 %. See the cost views in BigQuery (cost_daily, top_spenders_daily).`,
        mimeType: "text/markdown",
      },
      alertStrategy: { autoClose: "86400s" },
      userLabels: args.labels,
    },
    { parent, dependsOn: [metric] },
  );
}

/**
 * A log-match condition on every refusal. Log-based policies must rate-limit notifications.
 * Source: https://cloud.google.com/logging/docs/alerting/log-based-alerts (notificationRateLimit)
 */
function createExhaustedPolicy(parent: pulumi.Resource, prefix: string, args: Normalized): gcp.monitoring.AlertPolicy {
  return new gcp.monitoring.AlertPolicy(
    `${prefix}-budget-exhausted`,
    {
      project: args.project,
      displayName: "Spend: daily budget exhausted",
      severity: "ERROR",
      combiner: "OR",
      conditions: [
        {
          displayName: `${BUDGET_EXHAUSTED} refusals`,
          conditionMatchedLog: {
            filter: `${args.generationFilter} AND severity=WARNING AND jsonPayload.errorCode="${BUDGET_EXHAUSTED}"`,
          },
        },
      ],
      notificationChannels: [args.channel],
      documentation: {
        content:
          "Generation is refused with BUDGET_EXHAUSTED until UTC midnight: the platform's daily budget is spent. Raise dailyBudgetUsd or look for a spender in top_spenders_daily.",
        mimeType: "text/markdown",
      },
      alertStrategy: { notificationRateLimit: { period: "3600s" }, autoClose: "86400s" },
      userLabels: args.labels,
    },
    { parent },
  );
}
