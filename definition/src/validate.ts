// Cross-reference checks the per-field schema cannot express: names unique, every queue
// drained by exactly one worker, every enqueue target declared, indexes on known collections.

import { capacityIssues } from "./capacity.ts";
import { PRICE_UNIT_OF_KIND } from "./pricing.ts";
import {
  type DeepReadonly,
  type ModelChoices,
  type PlatformDefinition,
  platformSchema,
  usageKindSchema,
  type VertexModelDefinition,
} from "./schema.ts";

export class PlatformDefinitionError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid platform definition:\n- ${issues.join("\n- ")}`);
    this.name = "PlatformDefinitionError";
    this.issues = issues;
  }
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }
  return [...repeated];
}

export function crossReferenceIssues(platform: PlatformDefinition): string[] {
  const issues: string[] = [];
  const queueNames = new Set(platform.queues.map((q) => q.name));
  const collectionIds = new Set(platform.collections.map((c) => c.id));

  for (const name of duplicates(platform.functions.map((f) => f.name))) {
    issues.push(`functions: name "${name}" is declared twice`);
  }
  for (const name of duplicates(platform.functions.map((f) => f.name.toLowerCase()))) {
    issues.push(`functions: "${name}" collides with another function once lowercased (Cloud Run service names)`);
  }
  for (const id of duplicates([
    ...platform.functions.map((f) => f.serviceAccountId),
    ...platform.functions.flatMap((f) => (f.trigger === "schedule" ? [f.schedulerServiceAccountId] : [])),
    platform.tasksInvokerServiceAccountId,
  ])) {
    issues.push(`serviceAccountId "${id}" is used twice: every function has its own identity`);
  }
  for (const entry of duplicates(platform.functions.map((f) => f.entryPoint))) {
    issues.push(`functions: entryPoint "${entry}" is used twice`);
  }
  for (const name of duplicates(platform.queues.map((q) => q.name))) {
    issues.push(`queues: name "${name}" is declared twice`);
  }

  for (const fn of platform.functions) {
    for (const queue of fn.access.enqueues) {
      if (!queueNames.has(queue)) issues.push(`functions.${fn.name}.access.enqueues: queue "${queue}" is not declared`);
    }
    if (fn.trigger === "task") {
      for (const queue of fn.drains) {
        if (!queueNames.has(queue)) issues.push(`functions.${fn.name}.drains: queue "${queue}" is not declared`);
      }
    }
    if (fn.minInstances > fn.maxInstances) {
      issues.push(`functions.${fn.name}: minInstances (${fn.minInstances}) exceeds maxInstances (${fn.maxInstances})`);
    }
    if (fn.model !== undefined && !fn.access.vertexAi) {
      issues.push(`functions.${fn.name}: has a model but no vertexAi access`);
    }
  }

  for (const queue of platform.queues) {
    const consumers = platform.functions.filter((f) => f.trigger === "task" && f.drains.includes(queue.name));
    if (consumers.length !== 1) {
      issues.push(`queues.${queue.name}: has ${consumers.length} consumers; exactly one worker must drain it`);
    }
    if (parseFloat(queue.retry.minBackoff) > parseFloat(queue.retry.maxBackoff)) {
      issues.push(`queues.${queue.name}.retry: minBackoff exceeds maxBackoff`);
    }
  }

  // The sweeper block is the schedule's only source, and it is always present: exactly one function
  // runs on it, and that function can put back a task on every queue a job's steps run on.
  const scheduled = platform.functions.filter((f) => f.trigger === "schedule");
  if (scheduled.length !== 1) {
    issues.push(`functions: ${scheduled.length} schedule functions; exactly one runs the sweeper's schedule`);
  }
  for (const fn of scheduled) {
    for (const queue of queueNames) {
      if (!fn.access.enqueues.includes(queue)) {
        issues.push(`functions.${fn.name}.access.enqueues: lacks "${queue}", which the sweeper re-enqueues onto`);
      }
    }
    // Cloud Scheduler waits at most 30 minutes for an HTTP target; a longer run would be cut off
    // and retried while still going.
    // Source: https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#Job (attemptDeadline)
    if (fn.timeoutSeconds > 1800) {
      issues.push(
        `functions.${fn.name}.timeoutSeconds: ${fn.timeoutSeconds} exceeds Cloud Scheduler's 1800 s attempt deadline`,
      );
    }
    if (fn.access.firestore !== "readWrite") {
      issues.push(`functions.${fn.name}.access.firestore: the sweeper fails and refunds jobs, so it needs readWrite`);
    }
  }

  for (const [i, index] of platform.indexes.entries()) {
    if (!collectionIds.has(index.collection)) {
      issues.push(`indexes[${i}]: collection "${index.collection}" is not declared`);
    }
  }
  for (const id of duplicates(platform.collections.map((c) => c.id))) {
    issues.push(`collections: id "${id}" is declared twice`);
  }
  for (const id of duplicates(platform.models.map((m) => m.id))) {
    issues.push(`models: id "${id}" is declared twice`);
  }
  platform.models.forEach((model, i) => {
    if (model.price.unit !== PRICE_UNIT_OF_KIND[model.kind]) {
      issues.push(`models[${i}].price.unit: a ${model.kind} model is priced per ${PRICE_UNIT_OF_KIND[model.kind]}`);
    }
  });
  (["free", "pro"] as const).forEach((tier) => {
    if (platform.tiers[tier].perMinute === undefined)
      issues.push(`tiers.${tier}.perMinute: the definition sets every tier's burst limit`);
  });
  issues.push(...modelChoiceIssues(platform.models, platform.defaultModels, "defaultModels"));
  issues.push(...modelQuotaIssues(platform, platform.defaultModels));
  issues.push(...indexExemptionIssues(platform));
  issues.push(...capacityIssues(platform, platform.defaultModels));
  return issues;
}

/**
 * An exempted field loses its single-field indexes: refused when a declared composite index lists
 * it or a declared query filters or orders on it, and when it is declared twice.
 */
export function indexExemptionIssues(platform: DeepReadonly<Pick<PlatformDefinition, "collections" | "indexes">>) {
  const issues: string[] = [];
  for (const collection of platform.collections) {
    const exempt = (collection.indexExemptions ?? []).map((e) => e.field);
    for (const field of duplicates(exempt)) {
      issues.push(`collections.${collection.id}.indexExemptions: "${field}" is exempted twice`);
    }
    for (const field of new Set(exempt)) {
      for (const [i, index] of platform.indexes.entries()) {
        if (index.collection === collection.id && index.fields.some((f) => f.path === field)) {
          issues.push(
            `collections.${collection.id}.indexExemptions: "${field}" is needed by indexes[${i}] (${index.query})`,
          );
        }
      }
      for (const query of collection.queries ?? []) {
        if (query.fields.includes(field)) {
          issues.push(`collections.${collection.id}.indexExemptions: "${field}" is needed by a query (${query.by})`);
        }
      }
    }
  }
  return issues;
}

/** The catalog row of a model id, if Google serves it at all (as far as the catalog knows). */
export function findModel(
  models: readonly DeepReadonly<VertexModelDefinition>[],
  id: string,
): DeepReadonly<VertexModelDefinition> | undefined {
  return models.find((m) => m.id === id);
}

/**
 * Each kind's choice must be a model of that kind, in a location Google serves it in. `where` names
 * the place the choices come from (`defaultModels`, `genai-platform:models`) in each message.
 */
export function modelChoiceIssues(
  models: readonly DeepReadonly<VertexModelDefinition>[],
  choices: DeepReadonly<ModelChoices>,
  where: string,
): string[] {
  const issues: string[] = [];
  for (const kind of usageKindSchema.options) {
    const choice = choices[kind];
    const model = findModel(models, choice.id);
    const ofKind = models.filter((m) => m.kind === kind).map((m) => m.id);
    if (!model) {
      issues.push(`${where}.${kind}.id: "${choice.id}" is not a known ${kind} model (known: ${ofKind.join(", ")})`);
    } else if (model.kind !== kind) {
      issues.push(
        `${where}.${kind}.id: "${choice.id}" is a ${model.kind} model (${kind} models: ${ofKind.join(", ")})`,
      );
    } else if (!model.locations.includes(choice.location)) {
      issues.push(
        `${where}.${kind}.location: ${choice.id} is not served in "${choice.location}" (served in: ${model.locations.join(", ")})`,
      );
    }
  }
  return issues;
}

/**
 * Queues that call a model must stay within its per-minute quota together: over a minute a queue
 * dispatches at most its rate x 60 plus one full burst. A model served from the shared pool has no
 * per-project quota to check.
 */
export function modelQuotaIssues(
  platform: DeepReadonly<Pick<PlatformDefinition, "queues" | "models">>,
  choices: DeepReadonly<ModelChoices>,
): string[] {
  const issues: string[] = [];
  for (const kind of usageKindSchema.options) {
    const model = findModel(platform.models, choices[kind].id);
    const perMinute = model?.quota.requestsPerMinute;
    if (perMinute === undefined) continue;
    const queues = platform.queues.filter((q) => q.callsModel === kind);
    const demand = queues.reduce((sum, q) => sum + q.maxDispatchesPerSecond * 60 + q.maxBurstSize, 0);
    if (demand > perMinute + 1e-9) {
      const names = queues.map((q) => `${q.name} (${q.maxDispatchesPerSecond}/s, burst ${q.maxBurstSize})`);
      issues.push(
        `queues ${names.join(" + ")} may dispatch ${Math.round(demand * 100) / 100} requests a minute to ${model!.id}, whose quota is ${perMinute} per minute`,
      );
    }
  }
  return issues;
}

/** Parses and cross-checks a definition; throws one error listing every problem. */
export function validatePlatform(input: unknown): PlatformDefinition {
  const parsed = platformSchema.safeParse(input);
  if (!parsed.success) {
    throw new PlatformDefinitionError(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const issues = crossReferenceIssues(parsed.data);
  if (issues.length > 0) throw new PlatformDefinitionError(issues);
  return parsed.data;
}
