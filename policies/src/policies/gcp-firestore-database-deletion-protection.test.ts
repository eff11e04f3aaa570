// Spec: Firestore protected from deletion, with point-in-time recovery.
import { policySpec } from "../../test/check.ts";
import { firestore, withInput } from "../../test/fixtures.ts";
import { gcpFirestoreDatabaseDeletionProtection as policy } from "./gcp-firestore-database-deletion-protection.ts";

policySpec(policy, () => [firestore()], [
  {
    change: "delete protection disabled",
    resources: [withInput(firestore(), "deleteProtectionState", "DELETE_PROTECTION_DISABLED")],
    expected: "deleteProtectionState is DELETE_PROTECTION_DISABLED",
  },
  {
    change: "point-in-time recovery unset",
    resources: [withInput(firestore(), "pointInTimeRecoveryEnablement", undefined)],
    expected: "pointInTimeRecoveryEnablement is undefined",
  },
]);
