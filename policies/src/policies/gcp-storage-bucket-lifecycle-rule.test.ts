// Spec: every bucket deletes by lifecycle; media by age within the retention cap.
import { policySpec } from "../../test/check.ts";
import { bucket, withInput } from "../../test/fixtures.ts";
import { gcpStorageBucketLifecycleRule as policy } from "./gcp-storage-bucket-lifecycle-rule.ts";

const source = withInput(bucket("function-source"), "lifecycleRules", [
  { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30 } },
]);
policySpec(
  policy,
  () => [bucket("media"), source],
  [
    {
      change: "no lifecycle rules on media",
      resources: [withInput(bucket(), "lifecycleRules", undefined)],
      expected: "has no lifecycle rule with action Delete",
    },
    {
      change: "media kept too long",
      resources: [withInput(bucket(), "lifecycleRules.0.condition.age", 400)],
      expected: "keeps objects 400 days, over the cap 90",
    },
    {
      change: "media deleted only by versions",
      resources: [withInput(bucket(), "lifecycleRules.0.condition", { numNewerVersions: 3 })],
      expected: "has no Delete rule by age",
    },
    {
      change: "the source bucket's rule turned into a storage-class change",
      resources: [withInput(source, "lifecycleRules.0.action.type", "SetStorageClass")],
      expected: `bucket ${"genai-platform-test"}-function-source has no lifecycle rule`,
    },
  ],
  { maxMediaAgeDays: 90 },
);
