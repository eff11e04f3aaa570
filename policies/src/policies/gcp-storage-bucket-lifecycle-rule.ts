// Media piles up with every generation: buckets delete objects by lifecycle, and media buckets do so
// by age within the stack's retention cap.
import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import { z } from "zod";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";
import { asArray, asNumber, asRecord } from "../values.ts";

const NAME = "gcp-storage-bucket-lifecycle-rule";

export const configSchema = z.strictObject({
  /** Label that marks a media bucket, as `key=value`. */
  mediaLabel: z
    .string()
    .regex(/^[^=]+=[^=]+$/)
    .default("purpose=media"),
  /** Longest retention of generated media, in days. */
  maxMediaAgeDays: z.number().int().positive().default(365),
});

export const gcpStorageBucketLifecycleRule: PackResourcePolicy = {
  name: NAME,
  description:
    "Every bucket has a lifecycle rule that deletes objects; media buckets delete by age within maxMediaAgeDays. " +
    "See https://cloud.google.com/storage/docs/lifecycle",
  url: "https://cloud.google.com/storage/docs/lifecycle",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: validateResourceOfType(gcp.storage.Bucket, (bucket, args, reportViolation) => {
    const config = readConfig(NAME, configSchema, args);
    const name = String(bucket.name ?? args.name);
    const deletes = asArray(bucket.lifecycleRules).filter(
      (rule) => asRecord(asRecord(rule)?.action)?.type === "Delete",
    );
    if (deletes.length === 0) {
      reportViolation(`bucket ${name} has no lifecycle rule with action Delete`);
      return;
    }
    const [key, value] = config.mediaLabel.split("=") as [string, string];
    if (asRecord(bucket.labels)?.[key] !== value) return;
    const ages = deletes.flatMap((rule) => {
      const age = asNumber(asRecord(asRecord(rule)?.condition)?.age);
      return age === undefined ? [] : [age];
    });
    if (ages.length === 0) {
      reportViolation(`media bucket ${name} has no Delete rule by age (condition.age)`);
    } else if (Math.min(...ages) > config.maxMediaAgeDays) {
      reportViolation(
        `media bucket ${name} keeps objects ${Math.min(...ages)} days, over the cap ${config.maxMediaAgeDays}`,
      );
    }
  }),
};
