// Cloud Tasks queues exactly as the platform definition declares them.

import type { QueueDefinition } from "@genai-platform/definition";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface QueuesArgs {
  /** Project the queues live in. */
  project: string;
  /** Region of the queues (the functions' region). */
  location: string;
  /** Queue definitions: rate, concurrency and retry policy. */
  queues: readonly QueueDefinition[];
  /** Fraction of dispatch attempts logged to Cloud Logging. Default: 1 (every attempt). */
  loggingSamplingRatio?: number;
}

export class Queues extends pulumi.ComponentResource {
  /** Queue per definition name. */
  readonly queues: Record<string, gcp.cloudtasks.Queue>;

  constructor(name: string, args: QueuesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Queues", name, {}, opts);
    const normalized = normalizeQueuesArgs(args);
    this.queues = {};
    for (const queue of normalized.queues) {
      this.queues[queue.name] = createQueue(this, name, normalized, queue);
    }
    this.registerOutputs({ queues: Object.fromEntries(Object.entries(this.queues).map(([q, r]) => [q, r.name])) });
  }
}

function normalizeQueuesArgs(args: QueuesArgs) {
  return { ...args, loggingSamplingRatio: args.loggingSamplingRatio ?? 1 };
}

/**
 * `maxBurstSize` is output-only in the Cloud Tasks API: Cloud Tasks derives it from the rate. The
 * definition's burst is what the local dispatcher uses and what the plan shows.
 */
function createQueue(
  parent: pulumi.Resource,
  prefix: string,
  args: ReturnType<typeof normalizeQueuesArgs>,
  queue: QueueDefinition,
): gcp.cloudtasks.Queue {
  return new gcp.cloudtasks.Queue(
    `${prefix}-${queue.name}`,
    {
      project: args.project,
      location: args.location,
      name: queue.name,
      rateLimits: {
        maxDispatchesPerSecond: queue.maxDispatchesPerSecond,
        maxConcurrentDispatches: queue.maxConcurrentDispatches,
      },
      retryConfig: {
        maxAttempts: queue.retry.maxAttempts,
        minBackoff: queue.retry.minBackoff,
        maxBackoff: queue.retry.maxBackoff,
        maxDoublings: queue.retry.maxDoublings,
      },
      stackdriverLoggingConfig: { samplingRatio: args.loggingSamplingRatio },
    },
    { parent },
  );
}
