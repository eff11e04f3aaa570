// The deployable bundler on a fixture entry: content-addressed names, reuse of unchanged builds,
// a runnable ESM bundle, and a clear error for a missing entry.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { platform } from "@genai-platform/definition";
import { BundleError, bundleAll, bundleDeployable } from "@genai-platform/functions/bundle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const FIXTURE = resolve(import.meta.dirname, "fixtures", "bundle");
const hello = { name: "hello", entryPoint: "src/entries/hello.ts" };

describe("bundleDeployable", () => {
  let work: string;
  let root: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "bundle-test-"));
    root = join(work, "src-root");
    await cp(FIXTURE, root, { recursive: true });
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const bundle = (outDir: string) => bundleDeployable(hello, { rootDir: root, outDir: join(work, outDir) });

  it("writes an ESM index.js and a package.json that pins the functions framework", async () => {
    const result = await bundle("a");
    expect(result.files).toEqual(["index.js", "package.json"]);
    const pkg = JSON.parse(await readFile(join(result.outDir, "package.json"), "utf8"));
    const pinned = JSON.parse(await readFile(resolve("functions/package.json"), "utf8")).dependencies[
      "@google-cloud/functions-framework"
    ];
    expect(pkg).toMatchObject({
      type: "module",
      main: "index.js",
      dependencies: { "@google-cloud/functions-framework": pinned },
    });
    const code = await readFile(join(result.outDir, "index.js"), "utf8");
    expect(code).toContain("createRequire");
    expect(code).toMatch(/from\s*"@google-cloud\/functions-framework"/);
    expect(result.objectName).toMatch(/^hello-[0-9a-f]{16}\.zip$/);
  });

  it("gives the same code the same hash and object name, and reuses the earlier build", async () => {
    const first = await bundle("b");
    const second = await bundle("b");
    const elsewhere = await bundle("c");
    expect(second.cached).toBe(true);
    expect(second.objectName).toBe(first.objectName);
    expect(elsewhere.objectName).toBe(first.objectName);
  });

  it("gives changed code a new object name, also through an imported module", async () => {
    const before = await bundle("d");
    await writeFile(join(root, "src/lib/greeting.ts"), "export const greeting = (name: string) => 'hi, ' + name;\n");
    const after = await bundle("d");
    expect(after.cached).toBe(false);
    expect(after.objectName).not.toBe(before.objectName);
    expect(after.hash).not.toBe(before.hash);
  });

  it("produces a bundle Node loads as a module, with require and __dirname defined", async () => {
    const result = await bundle("e");
    // Resolve the external framework from the repository's node_modules, as Cloud Build would install it.
    await symlink(resolve("node_modules"), join(result.outDir, "node_modules"));
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(join(result.outDir, "index.js"))}); console.log("loaded");`,
    ]);
    expect(stdout.trim()).toBe("loaded");
  });

  it("names the function when its entry file is missing", async () => {
    const missing = { name: "videoWorker", entryPoint: "src/entries/no-such-worker.ts" };
    const attempt = bundleDeployable(missing, { rootDir: root, outDir: join(work, "f") });
    await expect(attempt).rejects.toBeInstanceOf(BundleError);
    await expect(attempt).rejects.toThrow(/function videoWorker: entry point .*no-such-worker\.ts does not exist/);
  });

  it("refuses a bundle that pulls in code from the local platform, naming the file", async () => {
    const localModule = resolve("local/src/storage/crc32c.ts");
    await writeFile(
      join(root, "src/entries/leaky.ts"),
      `import { crc32c } from ${JSON.stringify(localModule)};\nexport const sum = crc32c(Buffer.from("x"));\n`,
    );
    const leaky = { name: "leakyWorker", entryPoint: "src/entries/leaky.ts" };
    const attempt = bundleDeployable(leaky, { rootDir: root, outDir: join(work, "g") });
    await expect(attempt).rejects.toBeInstanceOf(BundleError);
    await expect(attempt).rejects.toThrow(
      /function leakyWorker: bundles local\/src\/storage\/crc32c\.ts, which is not part of a deployable package/,
    );
  });
});

describe("the deployed bundles", () => {
  it("contain code from the definition, client and functions packages and node_modules only", async () => {
    const out = await mkdtemp(join(tmpdir(), "bundles-"));
    try {
      const results = await bundleAll(platform.functions, out);
      expect(results.map((r) => r.name)).toEqual(platform.functions.map((f) => f.name));
      for (const result of results) {
        const packages = new Set(
          result.inputs.map((input) =>
            input.split("/").includes("node_modules") ? "node_modules" : input.split("/")[0],
          ),
        );
        expect(
          [...packages].filter((p) => !["definition", "client", "functions", "node_modules"].includes(p!)),
        ).toEqual([]);
        expect(result.inputs.some((input) => input.startsWith("functions/src/entries/"))).toBe(true);
        expect(result.inputs.some((input) => input.startsWith("definition/src/"))).toBe(true);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
