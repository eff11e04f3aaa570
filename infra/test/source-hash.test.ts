// Redeploys follow the code: the program uploads each function's bundle under a name carrying its
// content hash, so unchanged code keeps its object (no redeploy) and changed code gets a new one.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platform, serviceName } from "@genai-platform/definition";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformProgram } from "../plan/evaluate.ts";
import { evaluateForTest, TYPES } from "./harness.ts";

/** Every function gets its own tiny entry; only imageWorker's imports `lib/image.ts`. */
const variant = {
  ...platform,
  functions: platform.functions.map((f) => ({ ...f, entryPoint: `src/entries/${serviceName(f.name)}.ts` })),
};

async function writeSources(root: string, imageText: string): Promise<void> {
  await mkdir(join(root, "src", "entries"), { recursive: true });
  await mkdir(join(root, "src", "lib"), { recursive: true });
  await writeFile(join(root, "src", "lib", "image.ts"), `export const caption = ${JSON.stringify(imageText)};\n`);
  for (const fn of variant.functions) {
    const body =
      fn.name === "imageWorker"
        ? 'import { caption } from "../lib/image.ts";\nexport const name = caption;\n'
        : `export const name = ${JSON.stringify(fn.name)};\n`;
    await writeFile(join(root, fn.entryPoint), body);
  }
}

/** Source object name and the object the function deploys from, per function. */
async function deployedObjects(root: string, bundleRoot: string) {
  const s = await evaluateForTest("dev", platformProgram({ platform: variant, sourceRoot: root, bundleRoot }));
  return Object.fromEntries(
    variant.functions.map((fn) => {
      const service = serviceName(fn.name);
      const object = s.findResource(TYPES.object, `functions-${service}-source`).inputs.name as string;
      const deployed = s.findResource(TYPES.fn, `functions-${service}`).inputs.buildConfig.source.storageSource.object;
      return [fn.name, { object, deployed }];
    }),
  );
}

describe("function source objects", () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "source-hash-"));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it("keep their name for unchanged code and change it only for the function whose code changed", async () => {
    const root = join(work, "functions");
    await writeSources(root, "first");
    const first = await deployedObjects(root, join(work, "bundles"));
    // A fresh bundle directory too: the name depends on the content, not on the cache.
    const again = await deployedObjects(root, join(work, "bundles-again"));
    expect(again).toEqual(first);

    await writeSources(root, "second");
    const changed = await deployedObjects(root, join(work, "bundles"));
    for (const fn of variant.functions) {
      const before = first[fn.name]!;
      const after = changed[fn.name]!;
      expect(after.deployed).toBe(after.object);
      if (fn.name === "imageWorker") expect(after.object).not.toBe(before.object);
      else expect(after.object).toBe(before.object);
    }
  });
});
