// Spec: max instances set and capped; min instances capped.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionInstanceLimits as policy } from "./gcp-cloudfunctions-function-instance-limits.ts";

const base = fn("generate-image");
policySpec(
  policy,
  () => [base],
  [
    {
      change: "max instances unset",
      resources: [withInput(base, "serviceConfig.maxInstanceCount", undefined)],
      expected:
        "does not set a max instance count, allowed at most 60 (cap: gcp-cloudfunctions-function-instance-limits.maxInstances in policies/<stack>.json; value: maxInstances of the function deployed as generate-image in definition/src/definition.ts)",
    },
    {
      change: "max instances over the cap",
      resources: [withInput(base, "serviceConfig.maxInstanceCount", 1000)],
      expected: "max instances 1000 exceeds the cap 60",
    },
    {
      change: "min instances over the cap",
      resources: [withInput(base, "serviceConfig.minInstanceCount", 3)],
      expected: "min instances 3 exceeds the cap 1",
    },
  ],
  { maxInstances: 60, minInstances: 1 },
);
