// The offline plan from arguments to exit code: evaluate the stack under mocks, judge it with the
// policy pack, print the tables, and optionally write a snapshot and diff against an earlier one.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Snapshot, Violation } from "@genai-platform/policies/snapshot.ts";
import { diffSnapshots } from "./diff.ts";
import { evaluateStack, type Program, REPO_ROOT } from "./evaluate.ts";
import { type QueueFacts, renderDiff, renderPlan, renderViolations } from "./report.ts";
import { readStackConfig } from "./stack-config.ts";

export interface PlanOptions {
  stack: string;
  /** Write the snapshot here. */
  json?: string;
  /** Compare against the snapshot in this file. */
  diff?: string;
  /** Replaces the real program (tests feed a changed definition this way). */
  program?: Program;
  /** Queues for the burst column (the definition's, or the test's variant). */
  queues: readonly QueueFacts[];
  /** The policy pack (`evaluateSnapshot` of policies/src/evaluate.ts); may answer synchronously or not. */
  evaluatePolicies: (snapshot: Snapshot, options: { stack: string }) => Violation[] | Promise<Violation[]>;
  /** Where text goes. Default: stdout. */
  print?: (text: string) => void;
}

export const STACKS = ["dev", "prod"] as const;

/** Returns the exit code: 0, or 1 when a mandatory policy is violated. */
export async function runPlan(options: PlanOptions): Promise<number> {
  const print = options.print ?? ((text: string) => console.log(text));
  const config = readStackConfig(REPO_ROOT, options.stack);
  const { resources } = await evaluateStack({
    stack: options.stack,
    config,
    ...(options.program ? { program: options.program } : {}),
  });
  const violations = await options.evaluatePolicies(
    { stack: options.stack, resources, violations: [] },
    { stack: options.stack },
  );
  const snapshot: Snapshot = { stack: options.stack, resources, violations };

  print(renderPlan(snapshot, options.queues));
  print("");
  print(renderViolations(violations));
  if (options.json) {
    await mkdir(dirname(resolve(options.json)), { recursive: true });
    await writeFile(resolve(options.json), `${JSON.stringify(snapshot, null, 2)}\n`);
    print(`\nSnapshot written to ${options.json}`);
  }
  if (options.diff) {
    const earlier = JSON.parse(await readFile(resolve(options.diff), "utf8")) as Snapshot;
    print("");
    print(renderDiff(diffSnapshots(earlier, snapshot)));
  }
  const mandatory = violations.filter((v) => v.level === "mandatory");
  if (mandatory.length > 0) {
    print(`\n${mandatory.length} mandatory policy violation(s): the plan fails.`);
    return 1;
  }
  return 0;
}
