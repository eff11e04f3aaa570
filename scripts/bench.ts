// `npm run bench -- herd [--users N] [--rate R] [--runs 3] [--instances 3] [--logs FILE] [--json FILE]`,
// `npm run bench -- fairness [--users N] [--hog 300] [--rate R] [--instances 3] [--logs FILE] [--json FILE]`,
// `npm run bench -- coldstart [--runs K] [--shape previous|current|both] [--json FILE]`, `npm run bench -- flood [--requests N]` and
// `npm run bench -- faults [--fast] [--json FILE]` (the fault matrix). Each starts what it needs on free ports
// and stops it afterwards, prints its figures beside the baseline of the same run, and names each
// goal with whether it is met (exit 1 when one is not). The JSON carries the goals with the figures.
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { SHAPES, type ShapeName } from "@genai-platform/local/bench/bundle-shapes.ts";
import { runColdStart } from "@genai-platform/local/bench/coldstart.ts";
import { ALL_SCENARIOS, FAST_SCENARIOS } from "@genai-platform/local/bench/fault-scenarios.ts";
import { faultMatrixHolds, renderFaultMatrix, runFaultMatrix } from "@genai-platform/local/bench/faults.ts";
import { runFlood } from "@genai-platform/local/bench/flood.ts";
import { defaultRate, runHerd } from "@genai-platform/local/bench/herd.ts";
import {
  coldStartGoals,
  fairnessGoals,
  herdGoals,
  renderColdStart,
  renderFairness,
  renderGoals,
  renderHerd,
} from "@genai-platform/local/bench/report.ts";
import { type CliSpec, runCli } from "./cli.ts";

const BENCHMARKS = ["herd", "fairness", "coldstart", "flood", "faults"] as const;

const spec = {
  command: "npm run bench --",
  usage: [
    "herd [--users 1000] [--rate R] [--runs 3] [--instances 3] [--logs FILE] [--json FILE]",
    "fairness [--users 1000] [--hog 300] [--rate R] [--instances 3] [--logs FILE] [--json FILE]",
    "coldstart [--runs 5] [--shape previous|current|both] [--json FILE]",
    "flood [--requests 60] [--json FILE]",
    "faults [--fast] [--json FILE]",
  ],
  positionals: 1,
  options: {
    users: { type: "string", positive: true },
    rate: { type: "string", positive: true },
    runs: { type: "string", positive: true },
    requests: { type: "string", positive: true },
    shape: { type: "string" },
    instances: { type: "string", positive: true },
    hog: { type: "string", positive: true },
    json: { type: "string" },
    logs: { type: "string" },
    fast: { type: "boolean" },
  },
} as const satisfies CliSpec;

async function writeJson(file: string | undefined, data: unknown): Promise<void> {
  if (!file) return;
  await mkdir(dirname(resolve(file)), { recursive: true });
  await writeFile(resolve(file), `${JSON.stringify(data, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}

/** Every line written reaches the file before the process exits. */
function closeLogs(logs: WriteStream | undefined): Promise<void> {
  return new Promise((done) => (logs ? logs.end(done) : done()));
}

const log = (line: string) => console.log(`· ${line}`);

process.env.METADATA_SERVER_DETECTION ??= "none";
runCli(spec, process.argv.slice(2), async (values, positionals) => {
  const kind = positionals[0];
  if (kind === undefined) return `which benchmark? (known: ${BENCHMARKS.join(", ")})`;
  if (kind === "herd" || kind === "fairness") {
    const users = Math.round(Number(values.users ?? 1000));
    const rate = values.rate === undefined ? defaultRate(users) : Number(values.rate);
    const instances = Math.round(Number(values.instances ?? 3));
    // The platform's own lines (function logs, emulators) go to a file when asked: too many for the console.
    const logs = values.logs ? createWriteStream(resolve(values.logs)) : undefined;
    const platformLog = logs
      ? (source: string, line: string) => logs.write(`${new Date().toISOString()} ${source} ${line}\n`)
      : undefined;
    const herdOptions = { users, rate, instances, log, ...(platformLog ? { platformLog } : {}) };
    if (kind === "herd") {
      if (values.hog !== undefined) return "--hog is for fairness";
      // Held in consecutive runs, not one: each run starts a fresh platform and its own baseline.
      const runs = Math.round(Number(values.runs ?? 3));
      const results = [];
      const goals = [];
      for (let run = 1; run <= runs; run++) {
        log(`run ${run} of ${runs}`);
        const result = await runHerd(herdOptions);
        const own = herdGoals(result, undefined, runs > 1 ? run : undefined);
        console.log(`\n${renderHerd(result, [])}\n`);
        results.push(result);
        goals.push(...own);
      }
      console.log(renderGoals(goals));
      await writeJson(values.json, { runs: results, goals });
      await closeLogs(logs);
      return goals.every((g) => g.met) ? 0 : 1;
    }
    if (values.runs !== undefined) return "--runs is for herd and coldstart";
    const hog = Math.round(Number(values.hog ?? 300));
    const alone = await runHerd(herdOptions);
    const withHog = await runHerd({ ...herdOptions, hog });
    const result = { alone, withHog };
    const goals = fairnessGoals(result);
    console.log(`\n${renderFairness(result, goals)}`);
    await writeJson(values.json, { ...result, goals });
    await closeLogs(logs);
    return goals.every((g) => g.met) ? 0 : 1;
  }
  if (kind === "coldstart") {
    if (values.users !== undefined || values.rate !== undefined) return "--users and --rate are for herd and fairness";
    const shape = values.shape ?? "both";
    if (shape !== "both" && !(SHAPES as readonly string[]).includes(shape)) {
      return `--shape is previous, current or both, not "${shape}"`;
    }
    const shapes: readonly ShapeName[] = shape === "both" ? SHAPES : [shape as ShapeName];
    const runs = Math.round(Number(values.runs ?? 5));
    const result = await runColdStart({ runs, shapes, log });
    const goals = coldStartGoals(result.rows);
    console.log(`\n${renderColdStart(result, goals)}`);
    await writeJson(values.json, { ...result, goals });
    return goals.every((g) => g.met) ? 0 : 1;
  }
  if (kind === "flood") {
    const requests = Math.round(Number(values.requests ?? 60));
    const result = await runFlood({ requests, log });
    const { flood, baseline, limit } = result;
    console.log(
      `\none user, ${requests} parallel requests, limit ${limit}: resolved in ${flood.elapsedMs} ms ` +
        `(${result.ratio}× the ${baseline.elapsedMs} ms of ${requests} distinct users) ${JSON.stringify(flood.outcomes)}`,
    );
    await writeJson(values.json, result);
    const exact =
      flood.outcomes.ADMITTED === Math.min(limit, requests) &&
      flood.outcomes.QUOTA_EXCEEDED === Math.max(0, requests - limit);
    console.log(`goal: exactly ${limit} admitted and the rest QUOTA_EXCEEDED: ${exact ? "met" : "NOT met"}`);
    return exact ? 0 : 1;
  }
  if (kind === "faults") {
    const scenarios = values.fast ? FAST_SCENARIOS : ALL_SCENARIOS;
    const rows = await runFaultMatrix({ scenarios, log });
    console.log(`\nfault matrix: ${scenarios.length} scenarios on one local platform\n\n${renderFaultMatrix(rows)}`);
    await writeJson(values.json, { rows, holds: faultMatrixHolds(rows) });
    return faultMatrixHolds(rows) ? 0 : 1;
  }
  return `unknown benchmark ${kind} (known: ${BENCHMARKS.join(", ")})`;
});
