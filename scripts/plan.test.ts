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
    for (const heading of ["Resources by type", "IAM grants", "Functions", "Queues", "Policy violations"]) {
      expect(first.stdout).toContain(heading);
    }
    expect(first.stdout).toMatch(
      /serviceAccount:tasks-invoker@genai-platform-dev\.iam\.gserviceaccount\.com\s+roles\/run\.invoker\s+run service image-worker/,
    );
    expect(first.stdout).toMatch(/image-jobs\s+50\/s\s+50\s+500\s+8\s+2s\.\.120s x2\^5/);
    expect(first.stdout).toMatch(
      /image-worker\s+task\s+ALLOW_INTERNAL_ONLY\s+fn-image-worker@genai-platform-dev\.iam\.gserviceaccount\.com\s+1024Mi\s+300s\s+0-60\s+10\n/,
    );
    expect(first.stdout).toMatch(
      /generate-image\s+https\s+ALLOW_ALL\s+fn-generate-image@\S+\s+512Mi\s+30s\s+0-20\s+80\n/,
    );
    // dev may carry advisory findings (no deletion protection), never a mandatory one.
    expect(first.stdout).not.toMatch(/ mandatory /);
  });

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
      "  ~ gcp:monitoring/alertPolicy:AlertPolicy alerting-task-backlog",
      `      ~ conditions[0].conditionThreshold.thresholdValue: 30000 => ${CHANGED_RATE * 600}`,
      `  ~ gcp:cloudtasks/queue:Queue queues-${CHANGED_QUEUE}`,
      `      ~ rateLimits.maxDispatchesPerSecond: 50 => ${CHANGED_RATE}`,
    ]);
  }, 120_000);
});
