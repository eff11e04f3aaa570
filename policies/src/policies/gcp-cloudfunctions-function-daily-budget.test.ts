// Spec: the spending endpoints carry a positive daily budget, under the cap when there is one.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionDailyBudget as policy } from "./gcp-cloudfunctions-function-daily-budget.ts";

const budget = (value: string | undefined) =>
  withInput(fn("generate-image"), "serviceConfig.environmentVariables.DAILY_BUDGET_USD", value);
const baseline = () => [budget("500"), fn("image-worker", { worker: true })];

policySpec(policy, baseline, [
  {
    change: "no daily budget",
    resources: [budget(undefined)],
    expected: "function generate-image: DAILY_BUDGET_USD is unset, so spending is unlimited",
  },
  {
    change: "a budget of zero",
    resources: [budget("0")],
    expected: "DAILY_BUDGET_USD 0 is not a positive amount of USD",
  },
  {
    change: "a budget that is not a number",
    resources: [budget("lots")],
    expected: "DAILY_BUDGET_USD lots is not a positive amount of USD",
  },
  {
    change: "a budget over the stack's cap",
    resources: [budget("500")],
    config: { maxDailyBudgetUsd: 200 },
    expected: "DAILY_BUDGET_USD 500 exceeds the cap 200",
  },
]);
