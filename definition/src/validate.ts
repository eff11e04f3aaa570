// Cross-reference checks the per-field schema cannot express: names unique, every queue
// drained by exactly one worker, every enqueue target declared, indexes on known collections.
import { type PlatformDefinition, platformSchema } from "./schema.ts";

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
    if (fn.trigger === "task" && !queueNames.has(fn.drains)) {
      issues.push(`functions.${fn.name}.drains: queue "${fn.drains}" is not declared`);
    }
    if (fn.minInstances > fn.maxInstances) {
      issues.push(`functions.${fn.name}: minInstances (${fn.minInstances}) exceeds maxInstances (${fn.maxInstances})`);
    }
    if (fn.model !== undefined && !fn.access.vertexAi) {
      issues.push(`functions.${fn.name}: has a model but no vertexAi access`);
    }
  }

  for (const queue of platform.queues) {
    const consumers = platform.functions.filter((f) => f.trigger === "task" && f.drains === queue.name);
    if (consumers.length !== 1) {
      issues.push(`queues.${queue.name}: has ${consumers.length} consumers; exactly one worker must drain it`);
    }
    if (parseFloat(queue.retry.minBackoff) > parseFloat(queue.retry.maxBackoff)) {
      issues.push(`queues.${queue.name}.retry: minBackoff exceeds maxBackoff`);
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
