// Spec: log sinks use their own writer identity.
import { policySpec } from "../../test/check.ts";
import { sink, withInput } from "../../test/fixtures.ts";
import { gcpLoggingSinkUniqueWriterIdentity as policy } from "./gcp-logging-sink-unique-writer-identity.ts";

policySpec(policy, () => [sink()], [
  {
    change: "uniqueWriterIdentity false",
    resources: [withInput(sink(), "uniqueWriterIdentity", false)],
    expected: "(got false)",
  },
  {
    change: "uniqueWriterIdentity unset",
    resources: [withInput(sink(), "uniqueWriterIdentity", undefined)],
    expected: "does not set uniqueWriterIdentity: true",
  },
]);
