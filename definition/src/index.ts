// The validated platform definition and the names derived from it. Importing this module checks
// the definition once (except in a deployed bundle, below); it loads nothing but zod.
import { definition, MODELS, type ModelKey } from "./definition.ts";
import type { FunctionDefinition, ModelPrice, QueueDefinition, TierLimits, TierName } from "./schema.ts";
import { validatePlatform } from "./validate.ts";

/**
 * Defined `true` by the deployable bundler, which imported this module (and so checked this very
 * definition) before bundling it: a deployed function does not repeat the check at every cold
 * start, 20-24 ms of zod parsing in generateImage's profile. Elsewhere (tests, infra, the local
 * platform, the bundler itself) the name is undefined and the check runs.
 */
declare const __PLATFORM_DEFINITION_CHECKED__: true | undefined;
if (typeof __PLATFORM_DEFINITION_CHECKED__ === "undefined") validatePlatform(definition);

export { type BucketCorsRule, mediaBucketCors } from "./bucket-cors.ts";
export {
  type Capacity,
  capacityIssues,
  capacityOf,
  drainSeconds,
  type ModelCapacity,
  type QueueCapacity,
  type WorkerCapacity,
} from "./capacity.ts";
export { DEFAULT_MODELS, VERTEX_MODELS } from "./models.ts";
export { type CostUnits, estimateMicroUsd, microUsd, PRICE_UNIT_OF_KIND } from "./pricing.ts";
export * from "./schema.ts";
export {
  crossReferenceIssues,
  findModel,
  indexExemptionIssues,
  modelChoiceIssues,
  modelQuotaIssues,
  PlatformDefinitionError,
  validatePlatform,
} from "./validate.ts";
export { MODELS, type ModelKey };

/** The definition, with its literal names kept for typing. */
export const platform = definition;

export type FunctionName = (typeof definition.functions)[number]["name"];
export type QueueName = (typeof definition.queues)[number]["name"];
export type CollectionId = (typeof definition.collections)[number]["id"];

export const functionNames = definition.functions.map((f) => f.name) as readonly FunctionName[];
export const queueNames = definition.queues.map((q) => q.name) as readonly QueueName[];

export function getFunction(name: FunctionName): FunctionDefinition {
  const fn = definition.functions.find((f) => f.name === name);
  if (!fn) throw new Error(`unknown function "${name}"`);
  return fn as FunctionDefinition;
}

export function getQueue(name: QueueName): QueueDefinition {
  const queue = definition.queues.find((q) => q.name === name);
  if (!queue) throw new Error(`unknown queue "${name}"`);
  return queue as QueueDefinition;
}

/** Cloud Run service (and Gen 2 function resource) name: `generateImage` -> `generate-image`. */
export function serviceName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `image-jobs` -> `IMAGE_JOBS`, the prefix of that queue's environment variables. */
export function envPrefix(queue: string): string {
  return queue.toUpperCase().replace(/-/g, "_");
}

/** Environment variables through which infra tells an enqueuing function where a queue lives. */
export function queueEnvKeys(queue: string): { path: string; workerUrl: string } {
  const prefix = envPrefix(queue);
  return { path: `${prefix}_QUEUE_PATH`, workerUrl: `${prefix}_WORKER_URL` };
}

/** Full Cloud Tasks queue path. */
export function queuePath(project: string, location: string, queue: string): string {
  return `projects/${project}/locations/${location}/queues/${queue}`;
}

/**
 * The Cloud Logging filter that selects generation events and nothing else. The log sink uses
 * this string; the event logger writes `eventType` from the same definition.
 */
export function generationLogFilter(): string {
  return `resource.type="cloud_run_revision" AND jsonPayload.eventType="${definition.generationEvent.eventType}"`;
}

/** The default model id a function calls, if any (a stack may choose another of the same kind). */
export function modelOf(fn: FunctionDefinition): string | undefined {
  return fn.model === undefined ? undefined : MODELS[fn.model];
}

/** The function that drains a queue (the definition guarantees exactly one). */
export function workerOf(queue: string): FunctionDefinition {
  const worker = definition.functions.find(
    (f) => f.trigger === "task" && (f.drains as readonly string[]).includes(queue),
  );
  if (!worker) throw new Error(`no worker drains queue "${queue}"`);
  return worker as FunctionDefinition;
}

/** A model's price by id; throws for a model the definition does not list (the stack config refuses those). */
export function priceOf(modelId: string): ModelPrice {
  const model = definition.models.find((m) => m.id === modelId);
  if (!model) throw new Error(`model "${modelId}" is not in the platform definition`);
  return model.price as ModelPrice;
}

/** The tier's burst limit: a stack's tier override may omit `perMinute`, then the definition's applies. */
export function perMinuteLimit(limits: TierLimits, tier: TierName): number {
  return limits[tier].perMinute ?? definition.tiers[tier].perMinute;
}
