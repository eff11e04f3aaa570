// The offline plan from arguments to exit code: read the earlier snapshot and the stack's config
// first (so a bad file or key fails before any work), evaluate the stack under mocks, judge it with
// the policy pack, print the tables, and optionally write a snapshot and diff against an earlier one.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { platform } from "@genai-platform/definition";
import { readSnapshot, SnapshotFileError } from "@genai-platform/policies/check.ts";
import { renderViolations } from "@genai-platform/policies/report.ts";
import type { Snapshot, Violation } from "@genai-platform/policies/snapshot.ts";
import { fromQualified, parseStackConfig, stackFileName } from "../config.ts";
import { type Herd, renderCapacity } from "./capacity.ts";
import { renderDiffOnly, renderDiffSection } from "./diff-report.ts";
import { evaluateStack, type Program, REPO_ROOT } from "./evaluate.ts";
import { type QueueFacts, renderPlan } from "./report.ts";
import { renderSettings } from "./settings.ts";
import { readStackConfig } from "./stack-config.ts";

export interface PlanOptions {
  stack: string;
  /** Write the snapshot here. */
  json?: string;
  /** Compare against the snapshot in this file. */
  diff?: string;
  /** Print only the diff and the verdict (needs `diff`): what the PR comment carries. */
  diffOnly?: boolean;
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

/** The herd the plan sizes against (`npm run capacity` takes any other). */
export const PLAN_HERD: Herd = { users: 1_000_000, peakSeconds: 3_600 };

/** A problem with what the plan was asked to do (a file, an option): exit 2, no stack trace. */
export class PlanInputError extends Error {
  override name = "PlanInputError";
}

/** Reads a snapshot written by `--json`, or says plainly why it cannot, naming the option. */
export async function readSnapshotFile(path: string, option = "--diff"): Promise<Snapshot> {
  try {
    return await readSnapshot(path);
  } catch (error) {
    if (error instanceof SnapshotFileError) throw new PlanInputError(`${option} ${error.message}`);
    throw error;
  }
}

/** Returns the exit code: 0, or 1 when a mandatory policy is violated. */
export async function runPlan(options: PlanOptions): Promise<number> {
  const print = options.print ?? ((text: string) => console.log(text));
  if (options.diffOnly && !options.diff) throw new PlanInputError("--diff-only needs --diff FILE");
  const earlier = options.diff ? await readSnapshotFile(options.diff) : undefined;
  const raw = readStackConfig(REPO_ROOT, options.stack);
  const file = stackFileName(options.stack);
  const stackConfig = parseStackConfig(fromQualified(raw), { file });
  const settings = renderSettings(file, stackConfig, { tiers: platform.tiers });

  const { resources } = await evaluateStack({
    stack: options.stack,
    config: raw,
    ...(options.program ? { program: options.program } : {}),
  });
  const violations = await options.evaluatePolicies(
    { stack: options.stack, resources, violations: [] },
    { stack: options.stack },
  );
  const snapshot: Snapshot = { stack: options.stack, resources, violations };

  if (options.diffOnly && earlier) {
    print(renderDiffOnly(earlier, snapshot));
  } else {
    print(renderPlan(snapshot, options.queues, settings));
    print("");
    print(renderCapacity(platform, stackConfig.models, PLAN_HERD));
    print("");
    print(renderViolations(violations));
    if (earlier) {
      print("");
      print(renderDiffSection(earlier, snapshot));
    }
  }
  if (options.json) {
    await mkdir(dirname(resolve(options.json)), { recursive: true });
    await writeFile(resolve(options.json), `${JSON.stringify(snapshot, null, 2)}\n`);
    if (!options.diffOnly) print(`\nSnapshot written to ${options.json}`);
  }
  const mandatory = violations.filter((v) => v.level === "mandatory");
  if (mandatory.length > 0) {
    print(`\n${mandatory.length} mandatory policy violation(s): the plan fails.`);
    return 1;
  }
  return 0;
}
