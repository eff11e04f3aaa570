import { platform } from "@genai-platform/definition";
import { describe, expect, it } from "vitest";
import {
  COSTED_EVENTS,
  columnsRead,
  costDailyViewSql,
  LOG_TABLE,
  latencyViewSql,
  logColumn,
  logTableSchema,
  missingColumns,
  successRateViewSql,
  type TableField,
  topSpendersViewSql,
} from "./analytics-sql.ts";

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

describe("cost views", () => {
  const costed =
    "jsonPayload.event IN ('succeeded', 'failed', 'agent_turn') AND jsonPayload.estimatedcostusd IS NOT NULL";

  it("counts cost on terminal events only, where the model was paid for, never on admissions", () => {
    expect(COSTED_EVENTS).toEqual(["succeeded", "failed", "agent_turn"]);
    for (const sql of [costDailyViewSql("p", "d", event), topSpendersViewSql("p", "d", event)]) {
      expect(sql).toContain(`FROM \`p.d.${LOG_TABLE}\` WHERE jsonPayload.eventtype = 'genai.generation'`);
      expect(sql).toContain(costed);
      expect(sql).not.toContain("'admitted'");
    }
  });

  it("sums the estimated cost and counts generations per UTC day, tier, model and kind", () => {
    const sql = costDailyViewSql("p", "d", event);
    expect(sql).toContain("SUM(jsonPayload.estimatedcostusd) AS cost_usd");
    expect(sql).toContain("COUNT(*) AS generations");
    expect(sql).toContain("jsonPayload.tier AS tier");
    expect(sql).toMatch(/GROUP BY day, tier, model, kind$/);
  });

  it("ranks each day's spenders by cost and keeps ranks up to 100", () => {
    const sql = topSpendersViewSql("p", "d", event);
    expect(sql).toContain("RANK() OVER (PARTITION BY day ORDER BY cost_usd DESC) AS spend_rank");
    expect(sql).toContain("GROUP BY day, uid");
    expect(sql).toMatch(/WHERE spend_rank <= 100$/);
    expect(topSpendersViewSql("p", "d", event, 10)).toMatch(/WHERE spend_rank <= 10$/);
    expect(() => topSpendersViewSql("p", "d", event, 0)).toThrow("limit must be a positive integer");
  });

  it("reads the cost from the field the log event declares", () => {
    expect(logColumn(event, "estimatedCostUsd")).toBe("jsonPayload.estimatedcostusd");
  });
});

describe("the owned schema of the sink's table", () => {
  const schema = logTableSchema(event);
  const payload = schema.find((f) => f.name === "jsonPayload")!.fields!;
  const views = [
    ["success rate", successRateViewSql("p", "d", event)],
    ["latency", latencyViewSql("p", "d", event)],
    ["daily cost", costDailyViewSql("p", "d", event)],
    ["top spenders", topSpendersViewSql("p", "d", event)],
  ] as const;

  it.each(views)("has every column the %s view reads", (_, sql) => {
    expect(columnsRead(sql).length).toBeGreaterThan(3);
    expect(missingColumns(sql, schema)).toEqual([]);
  });

  it("reports a view that reads a column the schema lacks", () => {
    const sql = `${latencyViewSql("p", "d", event)}\n  AND jsonPayload.durationms > 0`;
    expect(missingColumns(sql, schema)).toEqual(["jsonPayload.durationms"]);
  });

  it("reports the partition column when the schema loses it", () => {
    const without: TableField[] = schema.filter((f) => f.name !== "timestamp");
    expect(missingColumns(successRateViewSql("p", "d", event), without)).toEqual(["timestamp"]);
  });

  it("reads columns, not aliases, function names, SQL words or quoted text", () => {
    expect(
      columnsRead("SELECT DATE(timestamp) AS day, COUNT(*) AS n FROM `p.d.t` WHERE a.b = 'x.y' GROUP BY day"),
    ).toEqual(["a.b", "timestamp"]);
    expect(
      columnsRead("SELECT RANK() OVER (PARTITION BY day ORDER BY c DESC) AS r, DATE(t) AS day FROM `p.d.t`"),
    ).toEqual(["c", "t"]);
  });

  it("holds every field of the log event under its lowercased name, numbers as FLOAT as the export writes them", () => {
    const exported: Record<string, string> = {
      STRING: "STRING",
      INTEGER: "FLOAT",
      FLOAT: "FLOAT",
      TIMESTAMP: "STRING",
    };
    for (const [name, field] of Object.entries(event.fields)) {
      const col = payload.find((c) => c.name === name.toLowerCase());
      expect(col, name).toBeDefined();
      expect(col!.type).toBe(exported[field.type]);
    }
    expect(payload.map((c) => c.name)).toContain("eventtype");
    expect(schema.find((f) => f.name === "timestamp")?.type).toBe("TIMESTAMP");
  });
});
