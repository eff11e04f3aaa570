// The PR comment as the workflow makes it: `--diff-only` output per stack, composed by
// scripts/plan-comment.ts, under GitHub's size limit.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { GITHUB_COMMENT_LIMIT } from "@genai-platform/infra/plan/comment.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

describe("the plan comment of a pull request", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "plan-comment-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("is composed from what the workflow saved and stays under GitHub's limit", async () => {
    const huge = Array.from({ length: 30_000 }, (_, i) => `  ~ resource-${i}`).join("\n");
    await writeFile(
      join(dir, "dev.txt"),
      `Changes against the earlier snapshot: 0 to add, 30000 to change, 0 to remove\n${huge}\n`,
    );
    await writeFile(join(dir, "dev.code"), "0\n");
    await writeFile(join(dir, "prod.txt"), "Pulumi.prod.yaml: gcp:region: is required\n");
    await writeFile(join(dir, "prod.code"), "2\n");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, "scripts/plan-comment.ts"), "--dir", dir, "--base-ref", "main", "--sha", "abcdef0123"],
      { cwd: ROOT },
    );
    expect(stdout.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(stdout).toContain("Changes against the earlier snapshot: 0 to add, 30000 to change, 0 to remove\n");
    expect(stdout).toMatch(/… truncated: \d+ of 30001 lines not shown/);
    expect(stdout).toContain("### prod: **could not be planned**");
    expect(stdout).toContain("Pulumi.prod.yaml: gcp:region: is required");
  }, 60_000);

  it("is what the workflow posts, from the plan's --diff-only output", async () => {
    const workflow = await readFile(join(ROOT, ".github/workflows/pr.yml"), "utf8");
    expect(workflow).toContain('--diff "$RUNNER_TEMP/plan/base-$stack.json" --diff-only');
    expect(workflow).toMatch(
      /node scripts\/plan-comment\.ts --dir "\$RUNNER_TEMP\/plan"[^\n]*\\\n\s+> "\$RUNNER_TEMP\/plan-comment\.md"/,
    );
    expect(workflow).toContain("fs.readFileSync(process.env.COMMENT_FILE");
  });
});
