// SQL of the analytics views, written against the table the log sink creates. Column names come
// from the definition's log event: BigQuery log export lowercases structured-payload field names
// (jsonPayload.latencyMs -> jsonPayload.latencyms), and names the table after the log
// (run.googleapis.com/stdout -> run_googleapis_com_stdout; partitioned tables carry no date suffix).
import type { LogEventDefinition } from "@genai-platform/definition";

/** Table the sink writes Cloud Run functions' structured stdout lines to. */
export const LOG_TABLE = "run_googleapis_com_stdout";

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
