import { describe, expect, it } from "vitest";
import { costLogFilter, dailySpendQuery, promqlSumOf } from "./cost-alerts.ts";

describe("the cost metric and its daily alert", () => {
  it("selects terminal generation events that carry a cost", () => {
    expect(costLogFilter('jsonPayload.eventType="genai.generation"')).toBe(
      'jsonPayload.eventType="genai.generation" AND jsonPayload.event=("succeeded" OR "failed" OR "agent_turn") AND jsonPayload.estimatedCostUsd:*',
    );
  });

  it("names the log-based distribution's sum as PromQL does", () => {
    expect(promqlSumOf("genai_estimated_cost_usd")).toBe("logging_googleapis_com:user_genai_estimated_cost_usd_sum");
    expect(promqlSumOf("genai/cost.usd")).toBe("logging_googleapis_com:user_genai_cost_usd_sum");
  });

  it("compares the last 24 h of spend with the threshold", () => {
    expect(dailySpendQuery("m", 16)).toBe(
      'sum(increase(logging_googleapis_com:user_m_sum{monitored_resource="cloud_run_revision"}[24h])) > 16',
    );
  });
});
