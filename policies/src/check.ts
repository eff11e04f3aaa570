// Judges any snapshot in the offline plan's JSON format with the pack (`npm run policy:check`, in
// scripts/policy-check.ts): the verdict in the plan's table form; 1 on a mandatory violation.
import { readFile } from "node:fs/promises";
import { evaluateSnapshot } from "./evaluate.ts";
import { renderViolations } from "./report.ts";
import type { Snapshot } from "./snapshot.ts";

/** A snapshot file that cannot be judged: the message says which and why. */
export class SnapshotFileError extends Error {
  override name = "SnapshotFileError";
}

export async function readSnapshot(path: string): Promise<Snapshot> {
  let parsed: Partial<Snapshot>;
  try {
    parsed = JSON.parse(await readFile(path, "utf8")) as Partial<Snapshot>;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new SnapshotFileError(`${path}: ${missing ? "no such file" : "not JSON"}`);
  }
  if (!parsed || !Array.isArray(parsed.resources)) {
    throw new SnapshotFileError(`${path}: not a snapshot (no "resources" list; write one with npm run plan -- --json)`);
  }
  return { stack: parsed.stack ?? "", resources: parsed.resources, violations: parsed.violations ?? [] };
}

export interface CheckOptions {
  /** The stack whose pack config applies; default: the snapshot's own. */
  stack?: string;
  /** Another pack config file instead of policies/<stack>.json. */
  config?: string;
}

export async function checkSnapshot(file: string, options: CheckOptions, print = console.log): Promise<number> {
  const snapshot = await readSnapshot(file);
  const stack = options.stack ?? (snapshot.stack || "dev");
  if (snapshot.stack && snapshot.stack !== stack) {
    print(`warning: ${file} is a snapshot of stack ${snapshot.stack}, judged here with the ${stack} config`);
  }
  const violations = await evaluateSnapshot(snapshot, {
    stack,
    ...(options.config ? { configPath: options.config } : {}),
  });
  print(
    `Stack ${stack}: ${snapshot.resources.length} resource(s) checked against ${options.config ?? `policies/${stack}.json`}.`,
  );
  print(renderViolations(violations));
  return violations.some((v) => v.level === "mandatory") ? 1 : 0;
}
