// A sink with its own writer identity can be granted write access on just its destination; the
// shared identity would need it for every sink of the project.
import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import type { PackResourcePolicy } from "../policy.ts";

export const gcpLoggingSinkUniqueWriterIdentity: PackResourcePolicy = {
  name: "gcp-logging-sink-unique-writer-identity",
  description:
    "Project log sinks set uniqueWriterIdentity: true, so the destination grant names this sink alone. " +
    "See https://cloud.google.com/logging/docs/export/configure_export_v2#dest-auth",
  url: "https://cloud.google.com/logging/docs/export/configure_export_v2#dest-auth",
  severity: "medium",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(gcp.logging.ProjectSink, (sink, args, reportViolation) => {
    // Explicit, because the provider's default has changed between major versions.
    if (sink.uniqueWriterIdentity !== true) {
      reportViolation(
        `log sink ${String(sink.name ?? args.name)} does not set uniqueWriterIdentity: true ` +
          `(got ${String(sink.uniqueWriterIdentity)})`,
      );
    }
  }),
};
