// Jobs, the usage ledger and users live in Firestore: a protected database cannot be deleted by a
// mistaken `pulumi destroy` or console click, and point-in-time recovery undoes bad writes.
import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import { z } from "zod";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";

const NAME = "gcp-firestore-database-deletion-protection";

export const configSchema = z.strictObject({
  requirePointInTimeRecovery: z.boolean().default(true),
});

export const gcpFirestoreDatabaseDeletionProtection: PackResourcePolicy = {
  name: NAME,
  description:
    "Firestore databases enable delete protection (and point-in-time recovery unless configured off). " +
    "See https://cloud.google.com/firestore/docs/manage-databases#delete_protection",
  url: "https://cloud.google.com/firestore/docs/manage-databases#delete_protection",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: validateResourceOfType(gcp.firestore.Database, (db, args, reportViolation) => {
    const { requirePointInTimeRecovery } = readConfig(NAME, configSchema, args);
    const name = String(db.name ?? args.name);
    if (db.deleteProtectionState !== "DELETE_PROTECTION_ENABLED") {
      reportViolation(
        `Firestore database ${name}: deleteProtectionState is ${String(db.deleteProtectionState)}, not DELETE_PROTECTION_ENABLED`,
      );
    }
    if (requirePointInTimeRecovery && db.pointInTimeRecoveryEnablement !== "POINT_IN_TIME_RECOVERY_ENABLED") {
      reportViolation(
        `Firestore database ${name}: pointInTimeRecoveryEnablement is ${String(db.pointInTimeRecoveryEnablement)}, not POINT_IN_TIME_RECOVERY_ENABLED`,
      );
    }
  }),
};
