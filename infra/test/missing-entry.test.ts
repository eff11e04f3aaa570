// The program refuses to plan a function whose entry module does not exist, naming the function.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platform } from "@genai-platform/definition";
import { afterAll, expect, it } from "vitest";
import { platformProgram } from "../plan/evaluate.ts";
import { evaluateForTest } from "./harness.ts";

const bundleRoot = await mkdtemp(join(tmpdir(), "missing-entry-"));
afterAll(() => rm(bundleRoot, { recursive: true, force: true }));

it("stops with an error naming the function whose entry file is missing", async () => {
  // Every other function points at a module that exists, so only getUsage is missing.
  const broken = {
    ...platform,
    functions: platform.functions.map((f) => ({
      ...f,
      entryPoint: f.name === "getUsage" ? "src/entries/no-such-entry.ts" : "src/entries/get-job.ts",
    })),
  };
  await expect(evaluateForTest("dev", platformProgram({ platform: broken, bundleRoot }))).rejects.toThrow(
    /^function getUsage: entry point functions\/src\/entries\/no-such-entry\.ts does not exist$/,
  );
});
