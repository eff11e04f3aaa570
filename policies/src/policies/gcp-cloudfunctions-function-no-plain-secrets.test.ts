// Spec: no secret-looking plain environment variables.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionNoPlainSecrets as policy } from "./gcp-cloudfunctions-function-no-plain-secrets.ts";

const env = "serviceConfig.environmentVariables";
policySpec(policy, () => [withInput(fn(), `${env}.TASKS_INVOKER_EMAIL`, "tasks@p.iam.gserviceaccount.com")], [
  {
    change: "GEMINI_API_KEY",
    resources: [withInput(fn(), `${env}.GEMINI_API_KEY`, "AIza...")],
    expected: "GEMINI_API_KEY in its plain environment looks like a secret",
  },
  { change: "WEBHOOK_SECRET", resources: [withInput(fn(), `${env}.WEBHOOK_SECRET`, "s")], expected: "WEBHOOK_SECRET" },
  {
    change: "a lower-case db_password",
    resources: [withInput(fn(), `${env}.db_password`, "p")],
    expected: "db_password",
  },
  {
    change: "SERVICE_TOKEN at build time",
    resources: [withInput(fn(), "buildConfig.environmentVariables", { SERVICE_TOKEN: "t" })],
    expected: "SERVICE_TOKEN in its plain build environment",
  },
]);
