// Spec: labelable resources carry env and managed-by with the stack's values.
import { describe, expect, it } from "vitest";
import { check, policySpec } from "../../test/check.ts";
import { alertPolicy, bucket, dataset, fn, notificationChannel, queue, withInput } from "../../test/fixtures.ts";
import { gcpAllResourcesRequiredLabels as policy } from "./gcp-all-resources-required-labels.ts";

const config = { values: { env: "prod", "managed-by": "pulumi" } };
policySpec(
  policy,
  () => [fn(), bucket(), dataset(), alertPolicy(), notificationChannel(), queue()],
  [
    {
      change: "a function without env",
      resources: [withInput(fn(), "labels.env", undefined)],
      expected: "platform-generate-image is missing the label(s) env (in labels)",
    },
    {
      change: "a bucket without labels",
      resources: [withInput(bucket(), "labels", undefined)],
      expected: "missing the label(s) env, managed-by",
    },
    {
      change: "a dataset labelled for dev",
      resources: [withInput(dataset(), "labels.env", "dev")],
      expected: 'label env is "dev", expected "prod"',
    },
    {
      change: "an alert policy without user labels",
      resources: [withInput(alertPolicy(), "userLabels", undefined)],
      expected: "(in userLabels)",
    },
    {
      change: "a channel whose user labels lack managed-by",
      resources: [withInput(notificationChannel(), "userLabels.managed-by", undefined)],
      expected: "missing the label(s) managed-by (in userLabels)",
    },
  ],
  config,
);

describe("gcp-all-resources-required-labels on types without labels", () => {
  it("does not judge a queue, which takes no labels", async () => {
    expect(await check(policy, [withInput(queue(), "labels", {})], config)).toEqual([]);
  });
});
