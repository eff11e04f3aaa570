// Spec: queue rate, concurrency (and a declared burst) set and under the caps, per queue where configured.
import { policySpec } from "../../test/check.ts";
import { queue, withInput } from "../../test/fixtures.ts";
import { gcpCloudtasksQueueRateLimits as policy } from "./gcp-cloudtasks-queue-rate-limits.ts";

const config = {
  maxDispatchesPerSecond: 50,
  maxConcurrentDispatches: 1000,
  queues: { "video-jobs": { maxDispatchesPerSecond: 5 } },
};
const video = () =>
  withInput(
    withInput(queue("video-jobs"), "rateLimits.maxDispatchesPerSecond", 5),
    "rateLimits.maxConcurrentDispatches",
    50,
  );
const baseline = () => [queue("image-jobs"), video()];

policySpec(
  policy,
  baseline,
  [
    {
      change: "an image rate over the cap",
      resources: [withInput(queue(), "rateLimits.maxDispatchesPerSecond", 500), video()],
      expected: "queue image-jobs: rateLimits.maxDispatchesPerSecond 500 exceeds the cap 50",
    },
    {
      change: "a video rate over its own queue's cap",
      resources: [queue(), withInput(video(), "rateLimits.maxDispatchesPerSecond", 10)],
      expected: "queue video-jobs: rateLimits.maxDispatchesPerSecond 10 exceeds the cap 5",
    },
    {
      change: "no rate set",
      resources: [withInput(queue(), "rateLimits.maxDispatchesPerSecond", undefined), video()],
      expected: "does not set rateLimits.maxDispatchesPerSecond",
    },
    {
      change: "no concurrency set",
      resources: [withInput(queue(), "rateLimits.maxConcurrentDispatches", undefined), video()],
      expected: "does not set rateLimits.maxConcurrentDispatches",
    },
    {
      change: "concurrency over the cap",
      resources: [withInput(queue(), "rateLimits.maxConcurrentDispatches", 5000), video()],
      expected: "maxConcurrentDispatches 5000 exceeds the cap 1000",
    },
    {
      change: "a declared burst over the cap",
      resources: [withInput(queue(), "rateLimits.maxBurstSize", 1000), video()],
      expected: "maxBurstSize 1000 exceeds the cap 100",
    },
  ],
  config,
);
