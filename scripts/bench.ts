// `npm run bench -- herd [--users N] [--rate R] [--json FILE]` and
// `npm run bench -- coldstart [--runs K] [--json FILE]`. Each starts what it needs on free ports
// and stops it afterwards; figures are printed as a table next to the baseline of the same run.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runColdStart } from "@genai-platform/local/bench/coldstart.ts";
import { defaultRate, type HerdSide, runHerd } from "@genai-platform/local/bench/herd.ts";
import { round, table } from "@genai-platform/local/bench/stats.ts";

const USAGE = `usage: npm run bench -- herd [--users 1000] [--rate R] [--json FILE]
       npm run bench -- coldstart [--runs 5] [--json FILE]`;

process.env.METADATA_SERVER_DETECTION ??= "none";
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    users: { type: "string", default: "1000" },
    rate: { type: "string" },
    runs: { type: "string", default: "5" },
    json: { type: "string" },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function writeJson(file: string | undefined, data: unknown): Promise<void> {
  if (!file) return;
  await mkdir(dirname(resolve(file)), { recursive: true });
  await writeFile(resolve(file), `${JSON.stringify(data, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}

const log = (line: string) => console.log(`· ${line}`);
const kind = positionals[0];

if (kind === "herd") {
  const users = Math.round(positive("users", values.users));
  const rate = values.rate === undefined ? defaultRate(users) : positive("rate", values.rate);
  const result = await runHerd({ users, rate, log });
  const keys: (keyof HerdSide)[] = [
    "admitted",
    "completed",
    "failed",
    "lost",
    "model429",
    "makespanSeconds",
    "limitSeconds",
    "p50Seconds",
    "p95Seconds",
  ];
  console.log(
    `\nthundering herd: ${users} users, queue rate = model quota = ${rate}/s (limit N/R = ${round(users / rate)} s)\n`,
  );
  console.log(
    table(
      ["", ...keys],
      [
        ["backend", ...keys.map((k) => result.backend[k])],
        ["baseline (direct)", ...keys.map((k) => result.baseline[k])],
      ],
    ),
  );
  const ratio = result.backend.makespanSeconds / result.backend.limitSeconds;
  const ok = result.backend.completed === users && result.backend.lost === 0 && ratio <= 1.1;
  console.log(
    `\nbackend completed ${round((100 * result.backend.completed) / users, 1)} %, makespan ${round(ratio)} × N/R; baseline completed ${round((100 * result.baseline.completed) / users, 1)} % (${result.baseline.model429} model 429s)`,
  );
  console.log(ok ? "goal met: 100 % completed, 0 lost, makespan ≤ 1.10 × N/R" : "goal NOT met");
  await writeJson(values.json, { users, rate, backend: result.backend, baseline: result.baseline });
  process.exitCode = ok ? 0 : 1;
} else if (kind === "coldstart") {
  const runs = Math.round(positive("runs", values.runs));
  const rows = await runColdStart({ runs, log });
  console.log(
    `\ncold start: spawn → first real 2xx, median of ${runs}, beside a hello-world functions-framework process\n`,
  );
  console.log(
    table(
      ["function", "bundle KiB", "listening ms", "first 2xx ms", "hello-world ms", "ratio"],
      rows.map((r) => [r.function, r.bundleKiB, r.listenMs, r.ms, r.helloMs, r.ratio]),
    ),
  );
  const worst = Math.max(...rows.map((r) => r.ratio));
  console.log(
    worst <= 2
      ? `\ngoal met: every bundle ≤ 2.0 × hello-world (worst ${worst})`
      : `\ngoal NOT met: worst ${worst} × hello-world`,
  );
  await writeJson(values.json, rows);
  process.exitCode = worst <= 2 ? 0 : 1;
} else {
  console.error(USAGE);
  process.exitCode = 2;
}
