// The standalone check: any snapshot in the plan's format, same verdict and exit codes as the plan.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baselineResources, firestore, queue, runInvoker, snapshotOf, withInput } from "../test/fixtures.ts";
import { checkSnapshot } from "./check.ts";
import type { Snapshot } from "./snapshot.ts";

async function snapshotFile(snapshot: Snapshot): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "policies-cli-")), "snapshot.json");
  await writeFile(path, JSON.stringify(snapshot));
  return path;
}

async function cli(file: string, stack?: string): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await checkSnapshot(file, stack ? { stack } : {}, (line) => lines.push(line));
  return { code, out: lines.join("\n") };
}

describe("checkSnapshot", () => {
  it("exits 0 and says so when the snapshot passes", async () => {
    const { code, out } = await cli(await snapshotFile(snapshotOf(baselineResources())), "prod");
    expect(code).toBe(0);
    expect(out).toContain("Policy violations: none");
  });

  it("exits 1 on a mandatory violation and prints policy, level, resource and message", async () => {
    const file = await snapshotFile(snapshotOf([runInvoker("image-worker", "allUsers")]));
    const { code, out } = await cli(file, "prod");
    expect(code).toBe(1);
    expect(out).toMatchSnapshot();
  });

  it("exits 0 when the only violations are advisory (dev's config)", async () => {
    const file = await snapshotFile(
      snapshotOf([withInput(firestore(), "deleteProtectionState", "DELETE_PROTECTION_DISABLED")], "dev"),
    );
    const { code, out } = await cli(file, "dev");
    expect(out).toMatch(/gcp-firestore-database-deletion-protection\s+advisory/);
    expect(code).toBe(0);
  });

  it("takes the stack from the snapshot when --stack is absent", async () => {
    const file = await snapshotFile(snapshotOf([withInput(queue(), "rateLimits.maxConcurrentDispatches", 800)], "dev"));
    expect((await cli(file)).code).toBe(1);
    const prod = await cli(file, "prod");
    expect(prod.code).toBe(0);
    expect(prod.out.split("\n")[0]).toBe(
      `warning: ${file} is a snapshot of stack dev, judged here with the prod config`,
    );
  });

  it("rejects a file that is not a snapshot", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "policies-cli-")), "x.json");
    await writeFile(path, "{}");
    await expect(cli(path)).rejects.toThrow(`${path}: not a snapshot (no "resources" list`);
    await expect(cli(`${path}.missing`)).rejects.toThrow(`${path}.missing: no such file`);
  });
});
