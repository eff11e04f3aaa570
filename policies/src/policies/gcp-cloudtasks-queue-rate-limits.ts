// Each queue dispatches at the rate the model quota was provisioned for: rate and concurrency set
// explicitly (the API defaults are 500/s and 1,000 in flight) and under the stack's caps.
import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import { z } from "zod";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema, whereToChange } from "../policy.ts";
import { asNumber, asRecord, asString } from "../values.ts";

const NAME = "gcp-cloudtasks-queue-rate-limits";

const caps = z.strictObject({
  maxDispatchesPerSecond: z.number().positive(),
  maxConcurrentDispatches: z.number().int().positive(),
  maxBurstSize: z.number().int().positive(),
});

export const configSchema = z.strictObject({
  maxDispatchesPerSecond: z.number().positive().default(100),
  maxConcurrentDispatches: z.number().int().positive().default(1000),
  maxBurstSize: z.number().int().positive().default(100),
  /** Tighter caps per queue name (e.g. the video model's lower quota). */
  queues: z.record(z.string(), caps.partial()).default({}),
});

export const gcpCloudtasksQueueRateLimits: PackResourcePolicy = {
  name: NAME,
  description:
    "Cloud Tasks queues set rateLimits.maxDispatchesPerSecond and maxConcurrentDispatches, under the stack's caps " +
    "(per queue where configured); a burst size, where declared, is under its cap too. " +
    "See https://cloud.google.com/tasks/docs/configuring-queues#rate",
  url: "https://cloud.google.com/tasks/docs/configuring-queues#rate",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: validateResourceOfType(gcp.cloudtasks.Queue, (queue, args, reportViolation) => {
    const config = readConfig(NAME, configSchema, args);
    const name = asString(queue.name) ?? args.name;
    const limits = { ...config, ...config.queues[name] };
    const rate = asRecord(queue.rateLimits) ?? {};
    const checks = [
      ["maxDispatchesPerSecond", limits.maxDispatchesPerSecond, true],
      ["maxConcurrentDispatches", limits.maxConcurrentDispatches, true],
      // Output-only in the Cloud Tasks API (derived from the rate): judged only when declared.
      ["maxBurstSize", limits.maxBurstSize, false],
    ] as const;
    for (const [key, cap, required] of checks) {
      const value = asNumber(rate[key]);
      if (value === undefined) {
        if (required) reportViolation(`queue ${name} does not set rateLimits.${key} (cap ${cap})`);
      } else if (value > cap) {
        reportViolation(
          `queue ${name}: rateLimits.${key} ${value} exceeds the cap ${cap}${whereToChange(NAME, key, `${key} of queue ${name}`)}`,
        );
      }
    }
  }),
};
