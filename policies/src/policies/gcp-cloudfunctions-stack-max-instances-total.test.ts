// Spec: the sum of max instances stays under the project cap.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsStackMaxInstancesTotal as policy } from "./gcp-cloudfunctions-stack-max-instances-total.ts";

const baseline = () => [fn("generate-image"), fn("image-worker", { worker: true })];
policySpec(
  policy,
  baseline,
  [
    {
      change: "the worker scaled to 90 instances",
      resources: [
        fn("generate-image"),
        withInput(fn("image-worker", { worker: true }), "serviceConfig.maxInstanceCount", 90),
      ],
      expected: "functions may scale to 110 instances in total (generate-image 20, image-worker 90), over the cap 100",
    },
    {
      change: "a lower project cap",
      resources: baseline(),
      config: { maxInstancesTotal: 30 },
      expected: "40 instances in total",
    },
  ],
  { maxInstancesTotal: 100 },
);
