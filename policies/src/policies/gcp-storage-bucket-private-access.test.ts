// Spec: buckets are IAM-only and never public.
import { policySpec } from "../../test/check.ts";
import { bucket, withInput } from "../../test/fixtures.ts";
import { gcpStorageBucketPrivateAccess as policy } from "./gcp-storage-bucket-private-access.ts";

policySpec(policy, () => [bucket("media"), bucket("function-source")], [
  {
    change: "uniform access off",
    resources: [withInput(bucket(), "uniformBucketLevelAccess", false)],
    expected: "does not set uniformBucketLevelAccess: true",
  },
  {
    change: "public access prevention inherited",
    resources: [withInput(bucket(), "publicAccessPrevention", "inherited")],
    expected: 'publicAccessPrevention is inherited, not "enforced"',
  },
  {
    change: "public access prevention unset",
    resources: [withInput(bucket(), "publicAccessPrevention", undefined)],
    expected: "publicAccessPrevention is undefined",
  },
]);
