// Spec: no emulator variables in deployed functions.
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
]);
