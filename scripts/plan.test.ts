// The offline plan as a reviewer runs it: a separate Node process per run (Pulumi's runtime state
// is per process), real program, real policy pack, real bundles.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { CHANGED_QUEUE, CHANGED_RATE, MANDATORY_MESSAGE } from "@genai-platform/infra/plan/fixtures/values.ts";
import type { Snapshot } from "@genai-platform/policies/snapshot.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

async function plan(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { ...process.env, METADATA_SERVER_DETECTION: "none" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("the offline plan", () => {
  let dir: string;
  let first: Awaited<ReturnType<typeof plan>>;
  let snapshotPath: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "plan-test-"));
    snapshotPath = join(dir, "dev.json");
    first = await plan("scripts/plan.ts", ["--stack", "dev", "--json", snapshotPath]);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("prints resources by type, IAM grants, functions and queues, and passes the dev stack", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    for (const heading of [
      "Resources by type",
      "IAM grants",
      "Functions",
      "Queues",
      "Capacity for 1,000,000 users arriving over 1h",
      "Policy violations",
    ]) {
      expect(first.stdout).toContain(heading);
    }
    expect(first.stdout).toMatch(/sa:tasks-invoker\s+roles\/run\.invoker\s+run service image-worker/);
    expect(first.stdout).toContain("sa:NAME = serviceAccount:NAME@genai-platform-dev.iam.gserviceaccount.com");
    expect(first.stdout).toMatch(/image-jobs\s+50\/s\s+50\s+500\s+8\s+2s\.\.120s x2\^5/);
    expect(first.stdout).toMatch(
      /image-worker\s+task\s+ALLOW_INTERNAL_ONLY\s+sa:fn-image-worker\s+1024Mi\s+300s\s+0-60\s+10\n/,
    );
    expect(first.stdout).toMatch(
      /generate-image\s+https\s+ALLOW_ALL\s+sa:fn-generate-image\s+512Mi\s+30s\s+0-20\s+80\n/,
    );
    expect(first.stdout).toMatch(/imageWorker\s+500\s+50 x 10\s+60 x 10 = 600\s+ok\n/);
    // dev may carry advisory findings (no deletion protection), never a mandatory one.
    expect(first.stdout).not.toMatch(/ mandatory /);
  });

  it("fits a PR comment: no line wider than 120 columns", () => {
    const widest = first.stdout.split("\n").reduce((a, b) => (b.length > a.length ? b : a), "");
    expect(widest.length, widest).toBeLessThanOrEqual(120);
  });

  it("starts with the stack's settings, so dev and prod differ where their files do", async () => {
    const prod = await plan("scripts/plan.ts", ["--stack", "prod"]);
    const settings = (text: string) => text.slice(text.indexOf("Stack settings"), text.indexOf("Resources by type"));
    expect(settings(first.stdout)).toMatchSnapshot();
    expect(settings(prod.stdout)).toMatchSnapshot();
  }, 120_000);

  it("prints every violation with its enforcement level and fails on a mandatory one", async () => {
    const violating = await plan("infra/plan/fixtures/violating-plan.ts", []);
    expect(violating.code).toBe(1);
    expect(violating.stdout).toMatch(/test-mandatory\s+mandatory\s+queues-image-jobs\s+/);
    expect(violating.stdout).toContain(MANDATORY_MESSAGE);
    expect(violating.stdout).toMatch(/test-advisory\s+advisory\s+queues-image-jobs\s+worth a look/);
    expect(violating.stdout).toContain("1 mandatory policy violation(s): the plan fails.");
  }, 120_000);

  it("writes a snapshot in the plan format, with resolved inputs and no unknowns or secrets", async () => {
    const text = await readFile(snapshotPath, "utf8");
    const snapshot = JSON.parse(text) as Snapshot;
    expect(snapshot.stack).toBe("dev");
    expect(Array.isArray(snapshot.violations)).toBe(true);
    const queue = snapshot.resources.find(
      (r) => r.type === "gcp:cloudtasks/queue:Queue" && r.inputs.name === "image-jobs",
    );
    expect(queue).toMatchObject({
      urn: expect.stringContaining("queues-image-jobs"),
      name: "queues-image-jobs",
      parent: expect.stringContaining("genai-platform:infra:Queues"),
      inputs: { rateLimits: { maxDispatchesPerSecond: 50 } },
    });
    expect(text).not.toContain("[unknown]");
    expect(text).not.toContain("[secret]");
  });

  it("shows no change against its own snapshot", async () => {
    const again = await plan("scripts/plan.ts", ["--stack", "dev", "--diff", snapshotPath]);
    expect(again.stdout).toContain("0 to add, 0 to change, 0 to remove");
  }, 120_000);

  it("shows exactly the changed queue rate (and the backlog threshold derived from it)", async () => {
    const changed = await plan("infra/plan/fixtures/changed-rate-plan.ts", ["--stack", "dev", "--diff", snapshotPath]);
    expect(changed.stderr).toBe("");
    const diff = changed.stdout.slice(changed.stdout.indexOf("Changes against the earlier snapshot"));
    expect(diff.split("\n").filter((l) => l.trim() !== "")).toEqual([
      "Changes against the earlier snapshot: 0 to add, 2 to change, 0 to remove",
      "Changed",
      "  ~ gcp:monitoring/alertPolicy:AlertPolicy alerting-task-backlog",
      `      ~ conditions[0].conditionThreshold.thresholdValue: 30000 => ${CHANGED_RATE * 600}`,
      `  ~ gcp:cloudtasks/queue:Queue queues-${CHANGED_QUEUE}`,
      `      ~ rateLimits.maxDispatchesPerSecond: 50 => ${CHANGED_RATE}`,
    ]);
  }, 120_000);

  it("prints only the diff and the verdict with --diff-only", async () => {
    const only = await plan("infra/plan/fixtures/changed-rate-plan.ts", [
      "--stack",
      "dev",
      "--diff",
      snapshotPath,
      "--diff-only",
    ]);
    expect(only.stdout).toMatchSnapshot();
  }, 120_000);
});

describe("the plan's command line", () => {
  it.each([
    [["--stack", "staging"], "unknown stack staging (known: dev, prod)"],
    [[], "--stack is required"],
    [["--stack"], "--stack needs a value"],
    [["--stack", "dev", "--json"], "--json needs a value"],
    [["--stack", "dev", "--json", "--diff", "x.json"], "--json needs a value"],
    [["--stack", "dev", "--diff", "missing.json"], "--diff missing.json: no such file"],
    [["--stack", "dev", "--diff-only"], "--diff-only needs --diff FILE"],
    [["--stack", "dev", "--colour"], "unknown option --colour"],
  ])("refuses %j before any work, saying why on its own line", async (args, problem) => {
    const result = await plan("scripts/plan.ts", args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `${problem}\nusage: npm run plan -- --stack <dev|prod> [--json FILE] [--diff FILE [--diff-only]]\n`,
    );
  });
});

describe("the preflight and smoke command lines", () => {
  const usage = {
    preflight: [
      "usage: npm run preflight -- --stack <dev|prod>",
      "       npm run preflight -- --url <base of npm start> [--state FILE]",
    ],
    smoke: [
      "usage: npm run smoke -- --stack <dev|prod> [--url <base>] [--api-key KEY] [--service-account EMAIL]",
      "       npm run smoke -- --url <base of npm start> [--state FILE]",
    ],
  };
  it.each([
    ["preflight", ["--stack", "staging"], "unknown stack staging (known: dev, prod)"],
    ["preflight", [], "one of --stack or --url is required"],
    ["preflight", ["--url"], "--url needs a value"],
    ["smoke", ["--stack", "qa"], "unknown stack qa (known: dev, prod)"],
    ["smoke", ["--colour"], "unknown option --colour"],
  ] as const)("npm run %s refuses %j before any work, with the usage", async (command, args, problem) => {
    const result = await plan(`scripts/${command}.ts`, [...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`${[problem, ...usage[command]].join("\n")}\n`);
  });
});
