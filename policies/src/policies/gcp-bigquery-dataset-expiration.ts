// Log-derived tables grow forever unless something expires them: datasets set a default partition
// (or table) expiration, within the stack's retention cap.
import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import { z } from "zod";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema, whereToChange } from "../policy.ts";
import { asNumber, asString } from "../values.ts";

const NAME = "gcp-bigquery-dataset-expiration";
const DAY_MS = 86_400_000;

export const configSchema = z.strictObject({
  maxExpirationDays: z.number().int().positive().default(730),
});

export const gcpBigqueryDatasetExpiration: PackResourcePolicy = {
  name: NAME,
  description:
    "Datasets set defaultPartitionExpirationMs or defaultTableExpirationMs, no longer than maxExpirationDays. " +
    "See https://cloud.google.com/bigquery/docs/best-practices-storage#use_the_expiration_settings_to_remove_unneeded_tables_and_partitions",
  url: "https://cloud.google.com/bigquery/docs/best-practices-storage#use_the_expiration_settings_to_remove_unneeded_tables_and_partitions",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: validateResourceOfType(gcp.bigquery.Dataset, (dataset, args, reportViolation) => {
    const { maxExpirationDays } = readConfig(NAME, configSchema, args);
    const name = asString(dataset.datasetId) ?? args.name;
    const settings = [
      ["defaultPartitionExpirationMs", asNumber(dataset.defaultPartitionExpirationMs)],
      ["defaultTableExpirationMs", asNumber(dataset.defaultTableExpirationMs)],
    ] as const;
    const set = settings.filter(([, ms]) => ms !== undefined && ms > 0);
    if (set.length === 0) {
      reportViolation(`dataset ${name} sets neither defaultPartitionExpirationMs nor defaultTableExpirationMs`);
      return;
    }
    for (const [key, ms] of set) {
      const days = ms! / DAY_MS;
      if (days > maxExpirationDays) {
        reportViolation(
          `dataset ${name}: ${key} is ${days} days, over the cap ${maxExpirationDays}${whereToChange(NAME, "maxExpirationDays")}; the stack sets it with logTableExpirationDays in Pulumi.<stack>.yaml`,
        );
      }
    }
  }),
};
