// Generation events into BigQuery: a dataset with expiring partitions, a log sink whose filter is
// derived from the definition's log event, the table it writes (created here, with a schema this
// code owns, so it exists before anything reads it), and views for success rate, latency and cost.

import type { LogEventDefinition } from "@genai-platform/definition";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
  costDailyViewSql,
  LOG_TABLE,
  latencyViewSql,
  logTableSchema,
  missingColumns,
  PARTITION_COLUMN,
  successRateViewSql,
  topSpendersViewSql,
} from "../analytics-sql.ts";

export interface AnalyticsArgs {
  /** Project of the dataset and the sink. */
  project: string;
  /** BigQuery location (EU, US, or a region). */
  location: string;
  /** Days before a log table partition expires. */
  partitionExpirationDays: number;
  /** The log event the sink selects and the views read. */
  event: LogEventDefinition;
  /** The sink's Cloud Logging filter (`generationLogFilter()` of the definition). */
  filter: string;
  /** Labels for the dataset and views. */
  labels: Record<string, string>;
  /** Keep tables when the dataset is destroyed. Default: false (contents deleted with it). */
  deletionProtection?: boolean;
  /** Dataset id. Default: `genai_analytics`. */
  datasetId?: string;
}

export class Analytics extends pulumi.ComponentResource {
  readonly dataset: gcp.bigquery.Dataset;
  readonly sink: gcp.logging.ProjectSink;
  /** The table the sink writes (LOG_TABLE), created before the sink's first line. */
  readonly logTable: gcp.bigquery.Table;

  constructor(name: string, args: AnalyticsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Analytics", name, {}, opts);
    const normalized = normalizeAnalyticsArgs(args);
    this.dataset = createDataset(this, name, normalized);
    this.logTable = createLogTable(this, name, normalized, this.dataset);
    this.sink = createSink(this, name, normalized, this.dataset, this.logTable);
    createViews(this, name, normalized, this.dataset, this.logTable);
    this.registerOutputs({ dataset: this.dataset.datasetId, writerIdentity: this.sink.writerIdentity });
  }
}

type Normalized = ReturnType<typeof normalizeAnalyticsArgs>;

function normalizeAnalyticsArgs(args: AnalyticsArgs) {
  if (!Number.isInteger(args.partitionExpirationDays) || args.partitionExpirationDays < 1) {
    throw new Error(
      `Analytics: partitionExpirationDays must be a positive integer, got ${args.partitionExpirationDays}`,
    );
  }
  return {
    ...args,
    datasetId: args.datasetId ?? "genai_analytics",
    deletionProtection: args.deletionProtection ?? false,
  };
}

/**
 * Partitions expire, tables do not: the sink creates its table once, and a table expiration
 * would delete the whole history (and break the views) when it fired.
 */
function createDataset(parent: pulumi.Resource, prefix: string, args: Normalized): gcp.bigquery.Dataset {
  return new gcp.bigquery.Dataset(
    `${prefix}-dataset`,
    {
      project: args.project,
      datasetId: args.datasetId,
      location: args.location,
      description: "Generation events routed from Cloud Logging, and views over them.",
      defaultPartitionExpirationMs: args.partitionExpirationDays * 86_400_000,
      deleteContentsOnDestroy: !args.deletionProtection,
      labels: args.labels,
    },
    { parent, protect: args.deletionProtection },
  );
}

/**
 * The sink creates its table on the first exported line, too late for views declared in the same
 * `up` (https://cloud.google.com/logging/docs/export/bigquery: tables appear after the first
 * matching entry). Created here instead, under the name the sink uses, partitioned by day on
 * `timestamp` as the sink's own partitioned tables are, with the partition expiry of the dataset.
 */
function createLogTable(
  parent: pulumi.Resource,
  prefix: string,
  args: Normalized,
  dataset: gcp.bigquery.Dataset,
): gcp.bigquery.Table {
  return new gcp.bigquery.Table(
    `${prefix}-log-table`,
    {
      project: args.project,
      datasetId: dataset.datasetId,
      tableId: LOG_TABLE,
      description: `Cloud Run stdout lines routed by the generation-events sink (${args.event.eventType}).`,
      timePartitioning: {
        type: "DAY",
        field: PARTITION_COLUMN,
        expirationMs: args.partitionExpirationDays * 86_400_000,
      },
      schema: JSON.stringify(logTableSchema(args.event)),
      deletionProtection: args.deletionProtection,
      labels: args.labels,
    },
    { parent },
  );
}

function createSink(
  parent: pulumi.Resource,
  prefix: string,
  args: Normalized,
  dataset: gcp.bigquery.Dataset,
  table: gcp.bigquery.Table,
): gcp.logging.ProjectSink {
  return new gcp.logging.ProjectSink(
    `${prefix}-sink`,
    {
      project: args.project,
      name: "genai-generation-events",
      description: "Generation events (one structured line per admission and job transition).",
      destination: pulumi.interpolate`bigquery.googleapis.com/projects/${args.project}/datasets/${dataset.datasetId}`,
      filter: args.filter,
      uniqueWriterIdentity: true,
      bigqueryOptions: { usePartitionedTables: true },
    },
    { parent, dependsOn: [table] },
  );
}

/** Views over the owned table; a view reading a column the owned schema lacks stops the preview. */
function createViews(
  parent: pulumi.Resource,
  prefix: string,
  args: Normalized,
  dataset: gcp.bigquery.Dataset,
  table: gcp.bigquery.Table,
): void {
  const views = {
    generation_success_rate_daily: successRateViewSql(args.project, args.datasetId, args.event),
    generation_latency_daily: latencyViewSql(args.project, args.datasetId, args.event),
    cost_daily: costDailyViewSql(args.project, args.datasetId, args.event),
    top_spenders_daily: topSpendersViewSql(args.project, args.datasetId, args.event),
  };
  const schema = logTableSchema(args.event);
  for (const [tableId, query] of Object.entries(views)) {
    const missing = missingColumns(query, schema);
    if (missing.length > 0) {
      throw new Error(`Analytics: view ${tableId} reads ${missing.join(", ")}, which ${LOG_TABLE} does not have`);
    }
  }
  for (const [tableId, query] of Object.entries(views)) {
    new gcp.bigquery.Table(
      `${prefix}-${tableId.replace(/_/g, "-")}`,
      {
        project: args.project,
        datasetId: dataset.datasetId,
        tableId,
        view: { query, useLegacySql: false },
        deletionProtection: false,
        labels: args.labels,
      },
      { parent, dependsOn: [table] },
    );
  }
}
