// A task that is retried forever keeps paying for a job that cannot succeed: attempts are bounded
// and backoff is set so retries do not hammer a model that answered 429.
import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import { z } from "zod";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema, whereToChange } from "../policy.ts";
import { asNumber, asRecord, asString } from "../values.ts";

const NAME = "gcp-cloudtasks-queue-retry-bounded";

export const configSchema = z.strictObject({
  maxAttempts: z.number().int().positive().default(20),
});

export const gcpCloudtasksQueueRetryBounded: PackResourcePolicy = {
  name: NAME,
  description:
    "Cloud Tasks queues set retryConfig.maxAttempts (never -1, unlimited) under a cap, and a minBackoff. " +
    "See https://cloud.google.com/tasks/docs/configuring-queues#retry",
  url: "https://cloud.google.com/tasks/docs/configuring-queues#retry",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: validateResourceOfType(gcp.cloudtasks.Queue, (queue, args, reportViolation) => {
    const { maxAttempts: cap } = readConfig(NAME, configSchema, args);
    const name = asString(queue.name) ?? args.name;
    const retry = asRecord(queue.retryConfig) ?? {};
    const attempts = asNumber(retry.maxAttempts);
    if (attempts === undefined) {
      reportViolation(`queue ${name} does not set retryConfig.maxAttempts (the API default is 100; cap ${cap})`);
    } else if (attempts < 0) {
      reportViolation(`queue ${name}: retryConfig.maxAttempts ${attempts} retries forever (cap ${cap})`);
    } else if (attempts > cap) {
      reportViolation(
        `queue ${name}: retryConfig.maxAttempts ${attempts} exceeds the cap ${cap}${whereToChange(NAME, "maxAttempts", `retry.maxAttempts of queue ${name}`)}`,
      );
    }
    if (asString(retry.minBackoff) === undefined) {
      reportViolation(`queue ${name} does not set retryConfig.minBackoff`);
    }
  }),
};
