// Spec: a billing budget that notifies exists.
import { describe, expect, it } from "vitest";
import { check, policySpec } from "../../test/check.ts";
import { budget, fn, withInput } from "../../test/fixtures.ts";
import { gcpBillingBudgetPresent as policy } from "./gcp-billing-budget-present.ts";

// A stack of workers alone admits nothing: it has no spend of its own to budget.
policySpec(policy, () => [fn("generate-image"), budget(), fn("image-worker", { worker: true })], [
  {
    change: "no budget",
    resources: [fn("generate-image")],
    expected: "no billing budget: set genai-platform:billingAccountId",
  },
  {
    change: "no budget for a stack whose only spending function is the agent",
    resources: [fn("creative-director-agent"), fn("image-worker", { worker: true })],
    expected: "no billing budget",
  },
  {
    change: "a budget over the whole billing account",
    resources: [fn("generate-image"), withInput(budget(), "budgetFilter.projects", [])],
    expected: "budget platform-budget is not scoped to a project",
  },
  {
    change: "a budget without thresholds",
    resources: [fn("generate-image"), withInput(budget(), "thresholdRules", undefined)],
    expected: "has no threshold rules",
  },
  {
    change: "a budget that notifies no channel",
    resources: [fn("generate-image"), withInput(budget(), "allUpdatesRule", undefined)],
    expected: "notifies no monitoring channel",
  },
]);

describe("gcp-billing-budget-present on a stack that spends nothing", () => {
  it("has nothing to judge without a spending function", async () => {
    expect(await check(policy, [fn("image-worker", { worker: true })])).toEqual([]);
  });
});
