// The deployable bundler on a fixture entry: content-addressed names, reuse of unchanged builds,
// a runnable ESM bundle, and a clear error for a missing entry.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { platform } from "@genai-platform/definition";
import { BundleError, bundleAll, bundleDeployable, DEPLOYED_SHAPE } from "@genai-platform/functions/bundle";
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
    expect(result.files).toEqual(["index.js", "package.json", "start.mjs", "warm.mjs"]);
    const pkg = JSON.parse(await readFile(join(result.outDir, "package.json"), "utf8"));
    const pinned = JSON.parse(await readFile(resolve("functions/package.json"), "utf8")).dependencies[
      "@google-cloud/functions-framework"
    ];
    expect(pkg).toMatchObject({
      type: "module",
      main: "start.mjs",
      scripts: { "gcp-build": "node warm.mjs || true" },
      dependencies: { "@google-cloud/functions-framework": pinned },
    });
    expect(result.main).toBe("start.mjs");
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

  it("puts a dynamically imported module in a chunk beside index.js that ships, runs and is hashed", async () => {
    await writeFile(join(root, "src/lib/later.ts"), 'export const later = () => "loaded on first use";\n');
    await writeFile(
      join(root, "src/entries/lazy.ts"),
      'export const run = async () => (await import("../lib/later.ts")).later();\n',
    );
    const lazy = { name: "lazyWorker", entryPoint: "src/entries/lazy.ts" };
    const before = await bundleDeployable(lazy, { rootDir: root, outDir: join(work, "h") });
    const chunks = before.files.filter((file) => file.startsWith("chunk-"));
    const texts = await Promise.all(chunks.map((file) => readFile(join(before.outDir, file), "utf8")));
    const lazyChunk = chunks[texts.findIndex((text) => text.includes("loaded on first use"))];
    expect(lazyChunk).toBeDefined();
    const code = await readFile(join(before.outDir, "index.js"), "utf8");
    expect(code).not.toContain("loaded on first use");
    expect(code).toContain(`import("./${lazyChunk}")`);
    expect(before.totalBytes).toBeGreaterThan(before.bytes);
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(join(before.outDir, "index.js"))}); console.log(await m.run());`,
    ]);
    expect(stdout.trim()).toBe("loaded on first use");
    // A change to the lazily loaded module alone is a new bundle: the hash covers every chunk.
    await writeFile(join(root, "src/lib/later.ts"), 'export const later = () => "changed";\n');
    const after = await bundleDeployable(lazy, { rootDir: root, outDir: join(work, "h") });
    expect(after.objectName).not.toBe(before.objectName);
  });

  it("leaves the code split out when asked for one file, and builds the shapes apart", async () => {
    const lazy = { name: "lazyWorker", entryPoint: "src/entries/lazy.ts" };
    const oneFile = await bundleDeployable(lazy, {
      rootDir: root,
      outDir: join(work, "i"),
      shape: { ...DEPLOYED_SHAPE, splitting: false, compileCache: false },
    });
    expect(oneFile.files).toEqual(["index.js", "package.json"]);
    expect(oneFile.main).toBe("index.js");
    const split = await bundleDeployable(lazy, { rootDir: root, outDir: join(work, "i") });
    expect(split.cached).toBe(false);
    expect(split.files.some((file) => file.startsWith("chunk-"))).toBe(true);
  });

  it("ships a gcp-build step that writes Node's compile cache, which start.mjs uses only when it is there", async () => {
    const result = await bundle("cache");
    await symlink(resolve("node_modules"), join(result.outDir, "node_modules"));
    const node = (args: string[], env: Record<string, string> = {}) =>
      promisify(execFile)(process.execPath, args, {
        cwd: result.outDir,
        env: { PATH: process.env.PATH ?? "", ...env },
      });
    const load = [
      "--input-type=module",
      "-e",
      `import module from "node:module";
       await import(${JSON.stringify(join(result.outDir, "start.mjs"))});
       const { getTestServer } = await import("@google-cloud/functions-framework/testing");
       console.log(JSON.stringify({ cache: module.getCompileCacheDir?.() ?? null, served: typeof getTestServer("hello") }));`,
    ];
    const cacheDir = join(result.outDir, ".node-compile-cache");
    // Without the build's cache: the function is registered, no cache is enabled, nothing is written.
    expect(JSON.parse((await node(load)).stdout)).toEqual({ cache: null, served: "object" });
    await expect(readdir(cacheDir)).rejects.toMatchObject({ code: "ENOENT" });
    // The build step, with none of the runtime's variables, exits 0 and leaves the cache.
    const warm = await node(["warm.mjs"]);
    expect(warm.stdout).toContain(`compile cache written to ${cacheDir}`);
    const [versionDir, ...others] = await readdir(cacheDir);
    expect(others).toEqual([]);
    expect(versionDir).toContain(process.version);
    expect((await readdir(join(cacheDir, versionDir!))).length).toBeGreaterThan(0);
    // Then start.mjs turns it on before loading index.js.
    expect(JSON.parse((await node(load)).stdout)).toEqual({ cache: join(cacheDir, versionDir!), served: "object" });
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
        // One google-auth-library: @google/genai's own copy is resolved to the workspace's.
        expect(result.inputs.filter((input) => input.includes("/node_modules/google-auth-library/"))).toEqual([]);
        // Cloud Tasks goes over REST: the gax client is neither bundled nor installed.
        expect(result.inputs.some((input) => input.includes("@google-cloud/tasks"))).toBe(false);
        const pkg = JSON.parse(await readFile(join(result.outDir, "package.json"), "utf8"));
        expect(Object.keys(pkg.dependencies)).not.toContain("@google-cloud/tasks");
        const code = await Promise.all(
          result.files.filter((f) => f.endsWith(".js")).map((f) => readFile(join(result.outDir, f), "utf8")),
        );
        // The bundler checked the definition it bundles: no deployed function checks it again at start.
        expect(code.filter((c) => c.includes("PlatformDefinitionError"))).toEqual([]);
        // Every chunk a file imports is one of the files the directory ships (and the hash covers).
        for (const text of code) {
          for (const [, chunk] of text.matchAll(/["']\.\/(chunk-[\w-]+\.js)["']/g)) {
            expect(result.files).toContain(chunk);
          }
        }
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
