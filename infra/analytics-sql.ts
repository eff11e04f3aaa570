// SQL of the analytics views, written against the table the log sink creates. Column names come
// from the definition's log event: BigQuery log export lowercases structured-payload field names
// (jsonPayload.latencyMs -> jsonPayload.latencyms), and names the table after the log
// (run.googleapis.com/stdout -> run_googleapis_com_stdout; partitioned tables carry no date suffix).
import type { LogEventDefinition } from "@genai-platform/definition";

/**
 * Table the sink writes Cloud Run functions' structured stdout lines to: the log id with `.` and
 * `/` as `_`, and no date suffix with partitioned tables:
 * https://cloud.google.com/logging/docs/export/bigquery
 */
export const LOG_TABLE = "run_googleapis_com_stdout";

/** The column partitioned tables of log sinks are partitioned on (`usesTimestampColumnPartitioning`). */
// https://cloud.google.com/logging/docs/reference/v2/rest/v2/BigQueryOptions
export const PARTITION_COLUMN = "timestamp";

/** A BigQuery column as `tables.insert` takes it. */
export interface TableField {
  name: string;
  type: "STRING" | "FLOAT" | "INTEGER" | "TIMESTAMP" | "BOOLEAN" | "RECORD";
  mode: "NULLABLE";
  description?: string;
  fields?: TableField[];
}

const column = (name: string, type: TableField["type"], description?: string): TableField => ({
  name,
  type,
  mode: "NULLABLE",
  ...(description ? { description } : {}),
});
const record = (name: string, fields: TableField[]): TableField => ({ name, type: "RECORD", mode: "NULLABLE", fields });

/**
 * Cloud Logging writes JSON numbers as FLOAT whatever the logger meant, and a value whose type
 * differs from its column's is not written: numeric fields are FLOAT here so the sink's rows fit.
 * JSON has no timestamp type, so a TIMESTAMP field arrives as the string the logger wrote.
 * https://cloud.google.com/logging/docs/export/bigquery
 */
const PAYLOAD_TYPES: Record<LogEventDefinition["fields"][string]["type"], TableField["type"]> = {
  STRING: "STRING",
  INTEGER: "FLOAT",
  FLOAT: "FLOAT",
  TIMESTAMP: "STRING",
};

/**
 * The schema of LOG_TABLE, owned by this code: the LogEntry columns Cloud Logging exports for a
 * Cloud Run revision's stdout line, and `jsonPayload` with the logger's fields, lowercased as the
 * export names them. https://cloud.google.com/logging/docs/export/bigquery
 */
export function logTableSchema(event: LogEventDefinition): TableField[] {
  const payload = [
    column("message", "STRING", "the line's summary"),
    column("eventtype", "STRING", "the log event type"),
    ...Object.entries(event.fields)
      .filter(([name]) => name !== "message" && name !== "eventType")
      .map(([name, field]) => column(name.toLowerCase(), PAYLOAD_TYPES[field.type], field.description)),
  ];
  return [
    column("logName", "STRING"),
    record("resource", [
      column("type", "STRING"),
      record("labels", [
        column("revision_name", "STRING"),
        column("project_id", "STRING"),
        column("location", "STRING"),
        column("configuration_name", "STRING"),
        column("service_name", "STRING"),
      ]),
    ]),
    column("textPayload", "STRING"),
    record("jsonPayload", payload),
    column(PARTITION_COLUMN, "TIMESTAMP"),
    column("receiveTimestamp", "TIMESTAMP"),
    column("severity", "STRING"),
    column("insertId", "STRING"),
    record("labels", [column("instanceid", "STRING")]),
    column("trace", "STRING"),
    column("spanId", "STRING"),
    column("traceSampled", "BOOLEAN"),
  ];
}

const SQL_WORDS = new Set(
  "select from where and or not in is null as group by order limit asc desc case when then else end distinct true false over partition".split(
    " ",
  ),
);

/**
 * The columns a view's SQL reads: dotted or bare identifiers outside quotes, other than SQL words,
 * function names and the view's own aliases.
 */
export function columnsRead(sql: string): string[] {
  const code = sql.replace(/`[^`]*`/g, " ").replace(/'(?:[^'\\]|\\.)*'/g, " ");
  const aliases = new Set([...code.matchAll(/\bAS\s+([A-Za-z_]\w*)/gi)].map((m) => m[1]!.toLowerCase()));
  const read = new Set<string>();
  for (const [, identifier, call] of code.matchAll(/(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\s*\()?/g)) {
    const name = identifier!;
    if (call || SQL_WORDS.has(name.toLowerCase()) || aliases.has(name.toLowerCase())) continue;
    read.add(name);
  }
  return [...read].sort();
}

/** Columns a view reads that the schema lacks (BigQuery column names are case-insensitive). */
export function missingColumns(sql: string, schema: readonly TableField[]): string[] {
  const has = (path: string[], fields: readonly TableField[] | undefined): boolean => {
    const [head, ...rest] = path;
    const field = fields?.find((f) => f.name.toLowerCase() === head!.toLowerCase());
    return field !== undefined && (rest.length === 0 || has(rest, field.fields));
  };
  return columnsRead(sql).filter((c) => !has(c.split("."), schema));
}

/** `latencyMs` -> `jsonPayload.latencyms`, refusing fields the log event does not declare. */
export function logColumn(event: LogEventDefinition, field: string): string {
  if (field !== "eventType" && !(field in event.fields)) {
    throw new Error(`analytics: log event "${event.eventType}" has no field "${field}"`);
  }
  return `jsonPayload.${field.toLowerCase()}`;
}

function source(project: string, dataset: string, event: LogEventDefinition): string {
  const col = (f: string) => logColumn(event, f);
  return `\`${project}.${dataset}.${LOG_TABLE}\` WHERE ${col("eventType")} = '${event.eventType}'`;
}

/** Terminal outcomes per model and UTC day; success rate = succeeded / (succeeded + failed). */
export function successRateViewSql(project: string, dataset: string, event: LogEventDefinition): string {
  const col = (f: string) => logColumn(event, f);
  return [
    "SELECT",
    "  DATE(timestamp) AS day,",
    `  ${col("model")} AS model,`,
    `  ${col("kind")} AS kind,`,
    `  COUNTIF(${col("event")} = 'succeeded') AS succeeded,`,
    `  COUNTIF(${col("event")} = 'failed') AS failed,`,
    `  SAFE_DIVIDE(COUNTIF(${col("event")} = 'succeeded'), COUNT(*)) AS success_rate`,
    `FROM ${source(project, dataset, event)}`,
    `  AND ${col("event")} IN ('succeeded', 'failed')`,
    "GROUP BY day, model, kind",
  ].join("\n");
}

/** Admission-to-success latency percentiles per model and UTC day. */
export function latencyViewSql(project: string, dataset: string, event: LogEventDefinition): string {
  const col = (f: string) => logColumn(event, f);
  const latency = col("latencyMs");
  return [
    "SELECT",
    "  DATE(timestamp) AS day,",
    `  ${col("model")} AS model,`,
    `  ${col("kind")} AS kind,`,
    "  COUNT(*) AS jobs,",
    `  APPROX_QUANTILES(${latency}, 100)[OFFSET(50)] AS p50_ms,`,
    `  APPROX_QUANTILES(${latency}, 100)[OFFSET(95)] AS p95_ms`,
    `FROM ${source(project, dataset, event)}`,
    `  AND ${col("event")} = 'succeeded' AND ${latency} IS NOT NULL`,
    "GROUP BY day, model, kind",
  ].join("\n");
}

/**
 * The events that carry what a generation cost: the terminal ones. Admissions only reserve (a job
 * refused, failed before the model or refunded costs nothing), so spend is counted where the model
 * was paid for. The cost views and the cost metric (components/cost-alerts.ts) both select these.
 */
export const COSTED_EVENTS = ["succeeded", "failed", "agent_turn"] as const;

function costedSource(project: string, dataset: string, event: LogEventDefinition): string {
  const col = (f: string) => logColumn(event, f);
  const events = COSTED_EVENTS.map((e) => `'${e}'`).join(", ");
  return `${source(project, dataset, event)}\n  AND ${col("event")} IN (${events}) AND ${col("estimatedCostUsd")} IS NOT NULL`;
}

/** Estimated spend and generations per UTC day, tier, model and kind. */
export function costDailyViewSql(project: string, dataset: string, event: LogEventDefinition): string {
  const col = (f: string) => logColumn(event, f);
  return [
    "SELECT",
    "  DATE(timestamp) AS day,",
    `  ${col("tier")} AS tier,`,
    `  ${col("model")} AS model,`,
    `  ${col("kind")} AS kind,`,
    `  SUM(${col("estimatedCostUsd")}) AS cost_usd,`,
    "  COUNT(*) AS generations",
    `FROM ${costedSource(project, dataset, event)}`,
    "GROUP BY day, tier, model, kind",
  ].join("\n");
}

/** The users who spent most each UTC day: at most `limit` ranks a day (ties share a rank). */
export function topSpendersViewSql(project: string, dataset: string, event: LogEventDefinition, limit = 100): string {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`analytics: top spenders limit must be a positive integer, got ${limit}`);
  const col = (f: string) => logColumn(event, f);
  return [
    "SELECT day, uid, cost_usd, generations, spend_rank",
    "FROM (",
    "  SELECT day, uid, cost_usd, generations,",
    "    RANK() OVER (PARTITION BY day ORDER BY cost_usd DESC) AS spend_rank",
    "  FROM (",
    "    SELECT",
    "      DATE(timestamp) AS day,",
    `      ${col("uid")} AS uid,`,
    `      SUM(${col("estimatedCostUsd")}) AS cost_usd,`,
    "      COUNT(*) AS generations",
    `    FROM ${costedSource(project, dataset, event).replace("\n", "\n    ")}`,
    "    GROUP BY day, uid",
    "  )",
    ")",
    `WHERE spend_rank <= ${limit}`,
  ].join("\n");
}
