import { describe, expect, it } from "vitest";
import { usdMoney } from "./billing-budget.ts";

describe("usdMoney", () => {
  it.each([
    [620, { units: "620", nanos: 0 }],
    [387.5, { units: "387", nanos: 500_000_000 }],
    [3.1, { units: "3", nanos: 100_000_000 }],
    [0.07, { units: "0", nanos: 70_000_000 }],
  ])("writes %s USD as the Budget API's whole units and nanos", (amount, parts) => {
    expect(usdMoney(amount)).toEqual({ currencyCode: "USD", ...parts });
  });
});
