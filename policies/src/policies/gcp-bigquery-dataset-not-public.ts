// The analytics dataset holds user ids and usage: no access entry may open it to everyone.
import * as gcp from "@pulumi/gcp";
import type { PackResourcePolicy } from "../policy.ts";
import { asArray, asRecord, asString, pulumiType } from "../values.ts";

const DATASET = pulumiType(gcp.bigquery.Dataset);
const DATASET_ACCESS = pulumiType(gcp.bigquery.DatasetAccess);
const PUBLIC_GROUPS = new Set(["allAuthenticatedUsers", "allUsers"]);
const PUBLIC_MEMBERS = new Set(["allUsers", "allAuthenticatedUsers"]);

/** The public principal an access entry names, if any. */
function publicPrincipal(entry: Record<string, unknown>): string | undefined {
  const group = asString(entry.specialGroup);
  if (group && PUBLIC_GROUPS.has(group)) return `specialGroup ${group}`;
  const member = asString(entry.iamMember);
  if (member && PUBLIC_MEMBERS.has(member)) return `iamMember ${member}`;
  return undefined;
}

export const gcpBigqueryDatasetNotPublic: PackResourcePolicy = {
  name: "gcp-bigquery-dataset-not-public",
  description:
    "Datasets and dataset access entries never grant access to allUsers or allAuthenticatedUsers. " +
    "See https://cloud.google.com/bigquery/docs/control-access-to-resources-iam",
  url: "https://cloud.google.com/bigquery/docs/control-access-to-resources-iam",
  severity: "critical",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const entries =
      args.type === DATASET
        ? asArray(args.props.accesses).flatMap((e) => (asRecord(e) ? [asRecord(e)!] : []))
        : args.type === DATASET_ACCESS
          ? [args.props]
          : args.notApplicable("not a dataset or dataset access");
    const dataset = asString(args.props.datasetId) ?? args.name;
    for (const entry of entries) {
      const principal = publicPrincipal(entry);
      if (principal) {
        reportViolation(
          `dataset ${dataset} grants ${String(entry.role ?? "access")} to ${principal}: it would be public`,
        );
      }
    }
  },
};
