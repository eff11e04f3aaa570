import { platform } from "@genai-platform/definition";
import { describe, expect, it } from "vitest";
import { LOG_TABLE, latencyViewSql, logColumn, successRateViewSql } from "./analytics-sql.ts";

const event = platform.generationEvent;

describe("analytics views", () => {
  it.each([
    ["latencyMs", "jsonPayload.latencyms"],
    ["jobId", "jsonPayload.jobid"],
    ["eventType", "jsonPayload.eventtype"],
  ])("reads the log field %s from its lowercased BigQuery column %s", (field, column) => {
    expect(logColumn(event, field)).toBe(column);
  });

  it("refuses a field the log event does not declare, so views cannot drift from the logger", () => {
    expect(() => logColumn(event, "durationMs")).toThrow('log event "genai.generation" has no field "durationMs"');
  });

  it("selects only the definition's event type from the sink's table", () => {
    for (const sql of [successRateViewSql("p", "d", event), latencyViewSql("p", "d", event)]) {
      expect(sql).toContain(`FROM \`p.d.${LOG_TABLE}\` WHERE jsonPayload.eventtype = 'genai.generation'`);
      expect(sql).toContain("GROUP BY day, model, kind");
    }
    expect(latencyViewSql("p", "d", event)).toContain(
      "APPROX_QUANTILES(jsonPayload.latencyms, 100)[OFFSET(95)] AS p95_ms",
    );
  });
});
