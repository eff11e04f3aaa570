// Spec: HMAC keys are refused.
import { policySpec } from "../../test/check.ts";
import { bucket } from "../../test/fixtures.ts";
import { gcpStorageHmackeyDisallowed as policy } from "./gcp-storage-hmackey-disallowed.ts";

policySpec(policy, () => [bucket()], [
  {
    change: "an HMAC key",
    resources: [
      bucket(),
      {
        urn: "urn:h",
        type: "gcp:storage/hmacKey:HmacKey",
        name: "hmac",
        inputs: { serviceAccountEmail: "x@p.iam.gserviceaccount.com" },
      },
    ],
    expected: "HMAC key for x@p.iam.gserviceaccount.com",
  },
]);
