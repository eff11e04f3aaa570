// Judges any snapshot in the offline plan's JSON format with the pack:
// `node policies/src/check-cli.ts --snapshot FILE [--stack dev] [--config FILE]` (or the file as the
// first argument). Exits 1 on a mandatory violation, 2 when the snapshot or config cannot be read.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { evaluateSnapshot } from "./evaluate.ts";
import { renderVerdict } from "./report.ts";
import type { Snapshot } from "./snapshot.ts";

const USAGE = "usage: node policies/src/check-cli.ts --snapshot FILE [--stack <dev|prod>] [--config FILE]";

async function readSnapshot(path: string): Promise<Snapshot> {
  const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<Snapshot>;
  if (!parsed || !Array.isArray(parsed.resources)) throw new Error(`${path}: not a snapshot (no "resources" array)`);
  return { stack: parsed.stack ?? "", resources: parsed.resources, violations: parsed.violations ?? [] };
}

export async function main(argv: readonly string[], print = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { snapshot: { type: "string" }, stack: { type: "string" }, config: { type: "string" } },
  });
  const file = values.snapshot ?? positionals[0];
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  const snapshot = await readSnapshot(file);
  const stack = values.stack ?? (snapshot.stack || "dev");
  const violations = await evaluateSnapshot(snapshot, {
    stack,
    ...(values.config ? { configPath: values.config } : {}),
  });
  print(`Stack ${stack}: ${snapshot.resources.length} resource(s) checked.`);
  print(renderVerdict(violations));
  return violations.some((v) => v.level === "mandatory") ? 1 : 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`policy check failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
}
