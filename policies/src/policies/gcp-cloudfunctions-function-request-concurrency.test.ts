// Spec: request concurrency set on purpose and capped.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionRequestConcurrency as policy } from "./gcp-cloudfunctions-function-request-concurrency.ts";

const base = fn("get-job");
policySpec(
  policy,
  () => [base],
  [
    {
      change: "concurrency unset",
      resources: [withInput(base, "serviceConfig.maxInstanceRequestConcurrency", undefined)],
      expected: "does not set a request concurrency",
    },
    {
      change: "concurrency over the cap",
      resources: [withInput(base, "serviceConfig.maxInstanceRequestConcurrency", 500)],
      expected: "request concurrency 500 exceeds the cap 250",
    },
  ],
  { maxConcurrency: 250 },
);
