// Spec: functions outside the public allow-list accept internal traffic only.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionInternalIngress as policy } from "./gcp-cloudfunctions-function-internal-ingress.ts";

const worker = fn("image-worker", { worker: true });
policySpec(
  policy,
  () => [fn("generate-image"), worker],
  [
    {
      change: "the worker open to all traffic",
      resources: [withInput(worker, "serviceConfig.ingressSettings", "ALLOW_ALL")],
      expected: "function image-worker is not in publicFunctions but its ingress is ALLOW_ALL",
    },
    {
      change: "the worker behind a load balancer",
      resources: [withInput(worker, "serviceConfig.ingressSettings", "ALLOW_INTERNAL_AND_GCLB")],
      expected: "ALLOW_INTERNAL_AND_GCLB",
    },
    {
      change: "the worker's ingress unset",
      resources: [withInput(worker, "serviceConfig.ingressSettings", undefined)],
      expected: "ALLOW_ALL (default)",
    },
    {
      change: "generate-image dropped from the allow-list",
      resources: [fn("generate-image")],
      config: { publicFunctions: [] },
      expected: "function generate-image is not in publicFunctions",
    },
  ],
  { publicFunctions: ["generate-image"] },
);
