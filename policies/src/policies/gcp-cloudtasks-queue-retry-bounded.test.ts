// Spec: retries bounded, backoff set.
import { policySpec } from "../../test/check.ts";
import { queue, withInput } from "../../test/fixtures.ts";
import { gcpCloudtasksQueueRetryBounded as policy } from "./gcp-cloudtasks-queue-retry-bounded.ts";

policySpec(policy, () => [queue()], [
  {
    change: "unlimited attempts (-1)",
    resources: [withInput(queue(), "retryConfig.maxAttempts", -1)],
    expected: "maxAttempts -1 retries forever",
  },
  {
    change: "attempts unset",
    resources: [withInput(queue(), "retryConfig.maxAttempts", undefined)],
    expected: "does not set retryConfig.maxAttempts",
  },
  {
    change: "attempts over the cap",
    resources: [withInput(queue(), "retryConfig.maxAttempts", 50)],
    expected: "maxAttempts 50 exceeds the cap 20",
  },
  {
    change: "no minimum backoff",
    resources: [withInput(queue(), "retryConfig.minBackoff", undefined)],
    expected: "does not set retryConfig.minBackoff",
  },
]);
