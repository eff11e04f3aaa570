// Spec: datasets expire partitions or tables, within the cap.
import { policySpec } from "../../test/check.ts";
import { dataset, withInput } from "../../test/fixtures.ts";
import { gcpBigqueryDatasetExpiration as policy } from "./gcp-bigquery-dataset-expiration.ts";

policySpec(
  policy,
  () => [
    dataset(),
    withInput(withInput(dataset(), "defaultPartitionExpirationMs", undefined), "defaultTableExpirationMs", 86_400_000),
  ],
  [
    {
      change: "no expiration",
      resources: [withInput(dataset(), "defaultPartitionExpirationMs", undefined)],
      expected: "sets neither defaultPartitionExpirationMs nor defaultTableExpirationMs",
    },
    {
      change: "partitions kept past the cap",
      resources: [withInput(dataset(), "defaultPartitionExpirationMs", 1000 * 86_400_000)],
      expected: "defaultPartitionExpirationMs is 1000 days, over the cap 730",
    },
  ],
);
