// The real dev and prod stacks, evaluated by the offline plan, pass every mandatory policy; a
// deliberately misconfigured program fails the plan with each mistake named.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../src/snapshot.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");
const run = promisify(execFile);

async function node(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "policies-stacks-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(["dev", "prod"])("the real %s stack", (stack) => {
  it("passes every mandatory policy in the offline plan", async () => {
    const json = join(dir, `${stack}.json`);
    const plan = await node(["scripts/plan.ts", "--stack", stack, "--json", json]);
    expect(plan.stderr).toBe("");
    const snapshot = JSON.parse(await readFile(json, "utf8")) as Snapshot;
    expect(snapshot.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    expect(plan.code).toBe(0);
    // The pack had something to judge: functions, queues, grants, buckets.
    const types = new Set(snapshot.resources.map((r) => r.type));
    expect(types).toContain("gcp:cloudfunctionsv2/function:Function");
    expect(types).toContain("gcp:cloudtasks/queue:Queue");
    expect(types).toContain("gcp:cloudrunv2/serviceIamMember:ServiceIamMember");
    // The spend controls: prod has them all; dev (App Check monitor, no billing account) is told,
    // advisory only, that it has no billing budget.
    const spend = snapshot.violations.filter((v) =>
      [
        "gcp-billing-budget-present",
        "gcp-cloudfunctions-function-app-check-enabled",
        "gcp-cloudfunctions-function-daily-budget",
      ].includes(v.policy),
    );
    expect(spend.map((v) => [v.policy, v.level])).toEqual(
      stack === "dev" ? [["gcp-billing-budget-present", "advisory"]] : [],
    );
  }, 180_000);
});

describe("a misconfigured program", () => {
  it("makes the plan exit non-zero, naming the public worker, the primitive role and the queue over its cap", async () => {
    const json = join(dir, "misconfigured.json");
    const plan = await node(["policies/test/fixtures/misconfigured-plan.ts", "--stack", "prod", "--json", json]);
    expect(plan.code).toBe(1);
    const { violations } = JSON.parse(await readFile(json, "utf8")) as Snapshot;
    const mandatory = violations.filter((v) => v.level === "mandatory");
    expect(mandatory).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          policy: "gcp-iam-grant-no-public-principals",
          message: expect.stringContaining(
            'Cloud Run service "image-worker" grants roles/run.invoker to allUsers; only the functions in publicFunctions',
          ),
        }),
        expect.objectContaining({
          policy: "gcp-iam-grant-no-primitive-roles",
          message: expect.stringContaining("primitive role roles/editor"),
        }),
        expect.objectContaining({
          policy: "gcp-cloudtasks-queue-rate-limits",
          message: expect.stringContaining(
            "queue image-jobs: rateLimits.maxDispatchesPerSecond 500 exceeds the cap 50",
          ),
        }),
      ]),
    );
    expect(plan.stdout).toContain("gcp-iam-grant-no-public-principals");
    expect(plan.stdout).toContain("gcp-iam-grant-no-primitive-roles");
    expect(plan.stdout).toContain("gcp-cloudtasks-queue-rate-limits");
  }, 180_000);

  it("fails the standalone policy check on its snapshot with the same verdict", async () => {
    const check = await node([
      "scripts/policy-check.ts",
      "--snapshot",
      join(dir, "misconfigured.json"),
      "--stack",
      "prod",
    ]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/gcp-cloudtasks-queue-rate-limits\s+mandatory/);
    expect(check.stdout).toMatch(/gcp-iam-grant-no-public-principals\s+mandatory/);
  }, 60_000);
});
