// HMAC keys are long-lived secrets for the S3-compatible XML API; nothing in the platform needs them.
import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import type { PackResourcePolicy } from "../policy.ts";

export const gcpStorageHmackeyDisallowed: PackResourcePolicy = {
  name: "gcp-storage-hmackey-disallowed",
  description:
    "No Cloud Storage HMAC keys (gcp.storage.HmacKey): they are long-lived secrets tied to a service account. " +
    "See https://cloud.google.com/storage/docs/authentication/hmackeys",
  url: "https://cloud.google.com/storage/docs/authentication/hmackeys",
  severity: "high",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(gcp.storage.HmacKey, (key, _args, reportViolation) => {
    reportViolation(
      `HMAC key for ${String(key.serviceAccountEmail)}: HMAC keys are not allowed; use OAuth with an attached identity`,
    );
  }),
};
