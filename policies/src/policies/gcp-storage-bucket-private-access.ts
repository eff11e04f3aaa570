// Generated media are handed out as signed URLs only: buckets use uniform (IAM-only) access and
// enforce public access prevention, so no ACL or allUsers grant can ever expose them.
import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import type { PackResourcePolicy } from "../policy.ts";

export const gcpStorageBucketPrivateAccess: PackResourcePolicy = {
  name: "gcp-storage-bucket-private-access",
  description:
    "Buckets set uniformBucketLevelAccess: true and publicAccessPrevention: enforced. " +
    "See https://cloud.google.com/storage/docs/public-access-prevention and https://cloud.google.com/storage/docs/uniform-bucket-level-access",
  url: "https://cloud.google.com/storage/docs/public-access-prevention",
  severity: "critical",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(gcp.storage.Bucket, (bucket, args, reportViolation) => {
    const name = String(bucket.name ?? args.name);
    if (bucket.uniformBucketLevelAccess !== true) {
      reportViolation(`bucket ${name} does not set uniformBucketLevelAccess: true (object ACLs stay possible)`);
    }
    if (bucket.publicAccessPrevention !== "enforced") {
      reportViolation(
        `bucket ${name}: publicAccessPrevention is ${String(bucket.publicAccessPrevention)}, not "enforced"`,
      );
    }
  }),
};
