// Spec: every function has its own identity, never a default one.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionNoDefaultServiceAccount as policy } from "./gcp-cloudfunctions-function-no-default-service-account.ts";

const base = fn("get-job");
policySpec(policy, () => [base], [
  {
    change: "no service account",
    resources: [withInput(base, "serviceConfig.serviceAccountEmail", undefined)],
    expected: "sets no service account",
  },
  {
    change: "the default compute account",
    resources: [
      withInput(base, "serviceConfig.serviceAccountEmail", "123456789012-compute@developer.gserviceaccount.com"),
    ],
    expected: "runs as the default account 123456789012-compute@developer.gserviceaccount.com",
  },
  {
    change: "the App Engine default account",
    resources: [
      withInput(base, "serviceConfig.serviceAccountEmail", "genai-platform-test@appspot.gserviceaccount.com"),
    ],
    expected: "@appspot.gserviceaccount.com",
  },
]);
