// Spec: the spending endpoints run with App Check on.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionAppCheckEnabled as policy } from "./gcp-cloudfunctions-function-app-check-enabled.ts";

const mode = (value: string | undefined) =>
  withInput(fn("generate-image"), "serviceConfig.environmentVariables.APP_CHECK_MODE", value);
// A read endpoint carries no App Check mode and is not judged.
const baseline = () => [mode("enforce"), fn("get-job")];

policySpec(policy, baseline, [
  {
    change: "App Check turned off",
    resources: [mode("off"), fn("get-job")],
    expected: "function generate-image: APP_CHECK_MODE is off; allowed: monitor, enforce",
  },
  {
    change: "the mode left unset",
    resources: [mode(undefined), fn("get-job")],
    expected: "APP_CHECK_MODE is unset (off)",
  },
  {
    change: "monitor where the stack allows enforce only",
    resources: [mode("monitor")],
    config: { allowedModes: ["enforce"] },
    expected: "APP_CHECK_MODE is monitor; allowed: enforce",
  },
  {
    change: "get-job listed as spending",
    resources: [mode("enforce"), fn("get-job")],
    config: { spendingFunctions: ["generate-image", "get-job"] },
    expected: "function get-job: APP_CHECK_MODE is unset (off)",
  },
]);
