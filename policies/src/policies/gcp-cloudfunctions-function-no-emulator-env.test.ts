// Spec: no emulator variables in deployed functions.
import { LOCAL_ONLY_VARIABLE_NAMES } from "@genai-platform/definition/local-only-variables";
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionNoEmulatorEnv as policy } from "./gcp-cloudfunctions-function-no-emulator-env.ts";

const env = "serviceConfig.environmentVariables";
policySpec(policy, () => [fn()], [
  {
    change: "FIRESTORE_EMULATOR_HOST",
    resources: [withInput(fn(), `${env}.FIRESTORE_EMULATOR_HOST`, "127.0.0.1:8080")],
    expected: "emulator variable FIRESTORE_EMULATOR_HOST in its environment",
  },
  {
    change: "FIREBASE_AUTH_EMULATOR_HOST",
    resources: [withInput(fn(), `${env}.FIREBASE_AUTH_EMULATOR_HOST`, "127.0.0.1:9099")],
    expected: "FIREBASE_AUTH_EMULATOR_HOST",
  },
  {
    change: "STORAGE_EMULATOR_HOST at build time",
    resources: [withInput(fn(), "buildConfig.environmentVariables", { STORAGE_EMULATOR_HOST: "x" })],
    expected: "STORAGE_EMULATOR_HOST in its build environment",
  },
  {
    change: "an emulator variable of a library the list does not name yet",
    resources: [withInput(fn(), `${env}.SPANNER_EMULATOR_HOST`, "127.0.0.1:9010")],
    expected: "emulator variable SPANNER_EMULATOR_HOST in its environment",
  },
  // Every name of the definition's list, the one a function also refuses at start.
  ...LOCAL_ONLY_VARIABLE_NAMES.map((name) => ({
    change: name,
    resources: [withInput(fn(), `${env}.${name}`, "127.0.0.1:9000")],
    expected: `emulator variable ${name} in its environment`,
  })),
]);
