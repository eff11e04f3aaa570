// Spec: functions run on nodejs22.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionRuntime as policy } from "./gcp-cloudfunctions-function-runtime.ts";

policySpec(policy, () => [fn()], [
  {
    change: "nodejs20",
    resources: [withInput(fn(), "buildConfig.runtime", "nodejs20")],
    expected: "runtime nodejs20 is not one of nodejs22",
  },
  { change: "no runtime", resources: [withInput(fn(), "buildConfig.runtime", undefined)], expected: "runtime (unset)" },
  {
    change: "a Gen 1 function on nodejs18",
    resources: [
      {
        urn: "urn:v1",
        type: "gcp:cloudfunctions/function:Function",
        name: "legacy",
        inputs: { name: "legacy", runtime: "nodejs18" },
      },
    ],
    expected: "function legacy: runtime nodejs18",
  },
]);
