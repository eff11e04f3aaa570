// `npm run capacity` as a person runs it: its own Node process, the real definition and stack files.
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

async function capacity(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, "scripts/capacity.ts"), ...args],
      {
        cwd: ROOT,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("npm run capacity", () => {
  it("prints the queues, workers and model quota for the herd it is given", async () => {
    const run = await capacity(["--users", "1000", "--peak", "10", "--stack", "prod"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Capacity for 1,000 users arriving over 10s");
    // (1,000 - 50) / 50 = 19 s of dispatching plus one 10 s image.
    expect(run.stdout).toMatch(/image-jobs\s+imageWorker\s+50\/s\s+100\/s\s+450\s+29s\s/);
    expect(run.stdout).toMatch(/video\s+veo-3\.1-generate-001\s+50\s+50\s+0\n/);
  });

  it("refuses a herd without a size or a peak, with the usage", async () => {
    const run = await capacity(["--users", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--users must be a positive number, got "0"');
    expect(run.stderr).toContain("--peak is required");
    expect(run.stderr).toContain("usage: npm run capacity -- --users N --peak SECONDS");
  });
});
