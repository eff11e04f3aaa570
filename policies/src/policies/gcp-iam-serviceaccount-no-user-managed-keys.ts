// Service-account keys are long-lived credentials that leak; runtimes and CI use attached
// identities and Workload Identity Federation instead.
import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import type { PackResourcePolicy } from "../policy.ts";

export const gcpIamServiceaccountNoUserManagedKeys: PackResourcePolicy = {
  name: "gcp-iam-serviceaccount-no-user-managed-keys",
  description:
    "No user-managed service account keys (gcp.serviceaccount.Key): use attached service accounts and " +
    "Workload Identity Federation. See https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys",
  url: "https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys",
  severity: "critical",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(gcp.serviceaccount.Key, (key, _args, reportViolation) => {
    reportViolation(
      `service account key for ${String(key.serviceAccountId)}: user-managed keys are not allowed; ` +
        "use the runtime's attached identity or Workload Identity Federation",
    );
  }),
};
