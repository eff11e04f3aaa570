// Spec: service account keys are refused.
import { policySpec } from "../../test/check.ts";
import { serviceAccount } from "../../test/fixtures.ts";
import { gcpIamServiceaccountNoUserManagedKeys as policy } from "./gcp-iam-serviceaccount-no-user-managed-keys.ts";

policySpec(policy, () => [serviceAccount()], [
  {
    change: "a key for a function's account",
    resources: [
      serviceAccount(),
      { urn: "urn:k", type: "gcp:serviceaccount/key:Key", name: "key", inputs: { serviceAccountId: "fn-get-job" } },
    ],
    expected: "service account key for fn-get-job",
  },
]);
