// The standalone check: any snapshot in the plan's format, same verdict and exit codes as the plan.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baselineResources, firestore, queue, runInvoker, snapshotOf, withInput } from "../test/fixtures.ts";
import { main } from "./check-cli.ts";
import type { Snapshot } from "./snapshot.ts";

async function snapshotFile(snapshot: Snapshot): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "policies-cli-")), "snapshot.json");
  await writeFile(path, JSON.stringify(snapshot));
  return path;
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(args, (line) => lines.push(line));
  return { code, out: lines.join("\n") };
}

describe("check-cli", () => {
  it("exits 0 and says so when the snapshot passes", async () => {
    const { code, out } = await cli([
      "--snapshot",
      await snapshotFile(snapshotOf(baselineResources())),
      "--stack",
      "prod",
    ]);
    expect(code).toBe(0);
    expect(out).toContain("Policy pack: no violations.");
  });

  it("exits 1 on a mandatory violation and prints policy, level, resource and message", async () => {
    const file = await snapshotFile(snapshotOf([runInvoker("image-worker", "allUsers")]));
    const { code, out } = await cli([file, "--stack", "prod"]);
    expect(code).toBe(1);
    expect(out).toContain("[mandatory] gcp-iam-grant-no-public-principals");
    expect(out).toContain("resource: gcp:cloudrunv2/serviceIamMember:ServiceIamMember::invoker-image-worker-allUsers");
    expect(out).toContain('allUsers holds roles/run.invoker on Cloud Run service "image-worker"');
  });

  it("exits 0 when the only violations are advisory (dev's config)", async () => {
    const file = await snapshotFile(
      snapshotOf([withInput(firestore(), "deleteProtectionState", "DELETE_PROTECTION_DISABLED")], "dev"),
    );
    const { code, out } = await cli(["--snapshot", file, "--stack", "dev"]);
    expect(out).toContain("[advisory] gcp-firestore-database-deletion-protection");
    expect(code).toBe(0);
  });

  it("takes the stack from the snapshot when --stack is absent", async () => {
    const file = await snapshotFile(snapshotOf([withInput(queue(), "rateLimits.maxConcurrentDispatches", 800)], "dev"));
    expect((await cli([file])).code).toBe(1);
    expect((await cli([file, "--stack", "prod"])).code).toBe(0);
  });

  it("exits 2 without a snapshot", async () => {
    expect((await cli([])).code).toBe(2);
  });

  it("rejects a file that is not a snapshot", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "policies-cli-")), "x.json");
    await writeFile(path, "{}");
    await expect(cli([path])).rejects.toThrow('not a snapshot (no "resources" array)');
  });
});
