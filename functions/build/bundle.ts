// Bundles one deployable (its entry module from the platform definition) with esbuild into a
// directory Cloud Functions can build: index.js (ESM), the chunks its dynamic imports load on first
// use, and a package.json. Also a CLI for CI.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { serviceName } from "@genai-platform/definition";
import * as esbuild from "esbuild";

/** What the bundler needs to know about a deployable (a subset of the definition's function). */
export interface Deployable {
  name: string;
  /** Entry module relative to the functions workspace, e.g. `src/entries/get-job.ts`. */
  entryPoint: string;
}

export interface BundleOptions {
  /** Directory entry points are relative to. Default: the `functions/` workspace. */
  rootDir?: string;
  /** Directory the deployable's files are written to (replaced on rebuild). */
  outDir: string;
  /** Versions of the external packages the bundle depends on. Default: the workspace's pins. */
  dependencies?: Record<string, string>;
  /** How the bundle is cut; default DEPLOYED_SHAPE. Only benchmarks build another. */
  shape?: BundleShape;
}

/**
 * How a bundle is cut. Deployments use DEPLOYED_SHAPE; the cold-start benchmark also builds the
 * shape bundles had before, to measure both in one run.
 */
export interface BundleShape {
  /**
   * esbuild code splitting: every dynamic `import()` becomes a chunk read only when the code path
   * runs. Without it the imported code is inlined, and Node parses all of it at start.
   */
  splitting: boolean;
  /** Resolve every `google-auth-library` import to the one copy the functions workspace pins. */
  dedupeAuthLibrary: boolean;
  /** Packages left external besides the framework and Firestore (installed from the pinned versions). */
  externals: readonly string[];
  /**
   * Modules swapped at build time, as absolute paths: `{ [original]: replacement }`. For a
   * benchmark's earlier code path only; a replacement may live outside the deployable packages.
   */
  substitutes: Readonly<Record<string, string>>;
  /**
   * Ship Node's compile cache step: package.json's `main` is start.mjs (which enables the cache the
   * build left, then loads index.js) and its `gcp-build` script warm.mjs (which writes that cache
   * in the deployed directory). Both live in build/compile-cache/.
   */
  compileCache: boolean;
  /**
   * Leave out the definition's check at import (`__PLATFORM_DEFINITION_CHECKED__`): this module's
   * import of `@genai-platform/definition` runs that check when the bundler loads, on the same
   * definition files it then bundles.
   */
  definitionCheckedAtBuild: boolean;
}

export const DEPLOYED_SHAPE: BundleShape = {
  splitting: true,
  dedupeAuthLibrary: true,
  externals: [],
  substitutes: {},
  compileCache: true,
  definitionCheckedAtBuild: true,
};

export interface BundleResult {
  name: string;
  outDir: string;
  /** SHA-256 over the output files' names and contents. */
  hash: string;
  /** Object name for the source bucket; changes exactly when the bundle does. */
  objectName: string;
  /** Output files, relative to `outDir`: index.js, its chunks, package.json (and start.mjs, warm.mjs). */
  files: string[];
  /** The module the runtime loads (package.json's `main`), relative to `outDir`. */
  main: string;
  /** Bytes of `index.js`, what Node reads at start. */
  bytes: number;
  /** Bytes of every JavaScript file (index.js and its chunks). */
  totalBytes: number;
  /** True when the previous build was reused because no input changed. */
  cached: boolean;
  /** Every module in index.js and its chunks, as esbuild's metafile lists it, relative to the repository root. */
  inputs: string[];
}

export class BundleError extends Error {
  readonly functionName: string;
  constructor(functionName: string, message: string, options?: ErrorOptions) {
    super(`function ${functionName}: ${message}`, options);
    this.name = "BundleError";
    this.functionName = functionName;
  }
}

const FUNCTIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REPO_DIR = resolve(FUNCTIONS_DIR, "..");
/** The repository's packages whose code may be deployed; the rest (local/, infra/, …) never is. */
const DEPLOYABLE_PACKAGES = ["definition", "client", "functions"] as const;
const FRAMEWORK = "@google-cloud/functions-framework";
/**
 * Packages left out of the bundle and installed by the Cloud Functions build from the pinned
 * versions: the framework (it is the server), and Firestore's gax-based client, which reads its JSON
 * client config and protos from its own package folder at load time (esbuild cannot see those).
 */
const EXTERNALS = [FRAMEWORK, "@google-cloud/firestore"] as const;
const MANIFEST = ".bundle-manifest.json";
/** Bump when the build options below change, so cached bundles are not reused. */
const BUILD_VERSION = 4;
/** Copied into a bundle whose shape ships the compile cache step (see BundleShape.compileCache). */
const COMPILE_CACHE_FILES = ["start.mjs", "warm.mjs"] as const;
const COMPILE_CACHE_DIR = join(FUNCTIONS_DIR, "build", "compile-cache");
/** package.json's `main`: start.mjs enables the build's compile cache before loading index.js. */
const mainModule = (compileCache: boolean) => (compileCache ? "start.mjs" : "index.js");
/** Chunks sit beside index.js, so a bundled CommonJS module's `__dirname` is the same in every file. */
const CHUNK_NAMES = "chunk-[hash]";

/** An ESM bundle of CommonJS packages still calls `require` and reads `__dirname`: define them. */
const ESM_BANNER = [
  'import { createRequire as __bundleCreateRequire } from "node:module";',
  'import { fileURLToPath as __bundleFileURLToPath } from "node:url";',
  'import { dirname as __bundleDirname } from "node:path";',
  "const require = __bundleCreateRequire(import.meta.url);",
  "const __filename = __bundleFileURLToPath(import.meta.url);",
  "const __dirname = __bundleDirname(__filename);",
].join("\n");

/** One input file as last seen: its content hash, plus size and mtime to skip re-reading it. */
interface InputStamp {
  hash: string;
  size: number;
  mtimeMs: number;
}

interface Manifest {
  key: string;
  inputs: Record<string, InputStamp>;
  hash: string;
  /** Output file sizes, a cheap check that nobody edited the bundle by hand. */
  sizes: Record<string, number>;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

let pins: Record<string, string> | undefined;
/** The pinned versions of `externals`, from the workspace's package.json or, failing that, the installed package. */
async function externalVersions(externals: readonly string[]): Promise<Record<string, string>> {
  pins ??= (
    JSON.parse(await readFile(join(FUNCTIONS_DIR, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    }
  ).dependencies;
  const versions: Record<string, string> = {};
  for (const name of externals) {
    const version = pins?.[name] ?? (await installedVersion(name));
    if (!version) throw new Error(`functions/package.json does not pin ${name}`);
    versions[name] = version;
  }
  return versions;
}

/** A benchmark's extra external is not a deployed dependency; the repository's install has it. */
async function installedVersion(name: string): Promise<string | undefined> {
  if ((EXTERNALS as readonly string[]).includes(name)) return undefined;
  try {
    const pkg = JSON.parse(await readFile(join(REPO_DIR, "node_modules", name, "package.json"), "utf8"));
    return (pkg as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function packageJson(fn: Deployable, versions: Record<string, string>, compileCache: boolean): string {
  const pkg = {
    name: `genai-platform-${serviceName(fn.name)}`,
    private: true,
    type: "module",
    main: mainModule(compileCache),
    engines: { node: ">=22" },
    // `|| true`: the step only writes a cache; a deploy must not fail because of it.
    ...(compileCache ? { scripts: { "gcp-build": "node warm.mjs || true" } } : {}),
    dependencies: versions,
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Stamps input files; reuses a previous stamp's hash when size and mtime are unchanged. */
async function stampInputs(
  rootDir: string,
  inputs: readonly string[],
  previous: Record<string, InputStamp> = {},
): Promise<Record<string, InputStamp>> {
  const entries = await Promise.all(
    inputs.map(async (input) => {
      const path = resolve(rootDir, input);
      const { size, mtimeMs } = await stat(path);
      const known = previous[input];
      if (known && known.size === size && known.mtimeMs === mtimeMs) return [input, known] as const;
      return [input, { hash: sha256(await readFile(path)), size, mtimeMs }] as const;
    }),
  );
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

async function hashOutputs(outDir: string, files: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const file of [...files].sort()) {
    hash
      .update(file)
      .update("\0")
      .update(await readFile(join(outDir, file)))
      .update("\0");
  }
  return hash.digest("hex");
}

async function readManifest(outDir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, MANIFEST), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/** The previous build is reusable when its options match and no input file's content changed. */
async function reusable(rootDir: string, outDir: string, key: string): Promise<Manifest | undefined> {
  const manifest = await readManifest(outDir);
  if (!manifest || manifest.key !== key || !manifest.sizes) return undefined;
  try {
    for (const [file, size] of Object.entries(manifest.sizes)) {
      if ((await stat(join(outDir, file))).size !== size) return undefined;
    }
    const current = await stampInputs(rootDir, Object.keys(manifest.inputs), manifest.inputs);
    for (const [input, stamp] of Object.entries(manifest.inputs)) {
      if (current[input]?.hash !== stamp.hash) return undefined;
    }
  } catch {
    return undefined; // an input or output vanished
  }
  return manifest;
}

/**
 * Refuses a bundle that pulls in code from a package that is never deployed (the local platform,
 * infra, scripts): what esbuild's metafile lists as an input is exactly what ships. A benchmark's
 * substitute is the one exception, named by the build that asked for it.
 */
function assertDeployableInputs(
  functionName: string,
  rootDir: string,
  inputs: readonly string[],
  substitutes: readonly string[],
): void {
  const allowed = [rootDir, ...DEPLOYABLE_PACKAGES.map((name) => join(REPO_DIR, name))];
  for (const input of inputs) {
    const path = resolve(rootDir, input);
    const inRepo = path.startsWith(REPO_DIR + sep);
    if (!inRepo || path.split(sep).includes("node_modules") || substitutes.includes(path)) continue;
    if (allowed.some((dir) => path === dir || path.startsWith(dir + sep))) continue;
    throw new BundleError(
      functionName,
      `bundles ${relative(REPO_DIR, path)}, which is not part of a deployable package (${DEPLOYABLE_PACKAGES.join(", ")})`,
    );
  }
}

interface Job {
  fn: Deployable;
  entry: string;
  outDir: string;
  key: string;
}

/**
 * esbuild plugin: one google-auth-library for the whole bundle. @google/genai pins major 10 and
 * brings its own copy (with its own gaxios) beside the workspace's 11; genai only constructs
 * GoogleAuth and calls getRequestHeaders(), which 11 keeps, so the second copy is dead weight that
 * every cold start parses.
 */
function dedupeAuthLibrary(): esbuild.Plugin {
  return {
    name: "dedupe-google-auth-library",
    setup(build) {
      build.onResolve({ filter: /^google-auth-library(\/.*)?$/ }, async (args) => {
        if (args.pluginData === "deduped") return undefined;
        const result = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: FUNCTIONS_DIR,
          pluginData: "deduped",
        });
        return result.errors.length > 0 ? { errors: result.errors } : { path: result.path };
      });
    },
  };
}

/** esbuild plugin: swaps whole modules (by resolved absolute path) for a benchmark's earlier code path. */
function substitute(substitutes: Readonly<Record<string, string>>): esbuild.Plugin {
  return {
    name: "substitute-modules",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (!args.path.startsWith(".")) return undefined;
        const path = resolve(args.resolveDir, args.path);
        return substitutes[path] ? { path: substitutes[path] } : undefined;
      });
    },
  };
}

async function esbuildOne(job: Job, rootDir: string, shape: BundleShape, virtualOut: string) {
  const plugins: esbuild.Plugin[] = [];
  if (Object.keys(shape.substitutes).length > 0) plugins.push(substitute(shape.substitutes));
  if (shape.dedupeAuthLibrary) plugins.push(dedupeAuthLibrary());
  try {
    return await esbuild.build({
      absWorkingDir: rootDir,
      entryPoints: [{ in: job.entry, out: "index" }],
      outdir: virtualOut,
      bundle: true,
      splitting: shape.splitting,
      chunkNames: CHUNK_NAMES,
      platform: "node",
      format: "esm",
      target: "node22",
      minify: true,
      keepNames: true,
      legalComments: "none",
      external: [...EXTERNALS, ...shape.externals],
      define: { ...(shape.definitionCheckedAtBuild && { __PLATFORM_DEFINITION_CHECKED__: "true" }) },
      // esbuild prepends the banner to every output file: each chunk is a module of its own.
      banner: { js: ESM_BANNER },
      plugins,
      metafile: true,
      write: false,
      logLevel: "silent",
    });
  } catch (cause) {
    const errors = (cause as { errors?: esbuild.Message[] }).errors ?? [];
    const first = errors[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : "";
    throw new BundleError(job.fn.name, `esbuild failed: ${first?.text ?? String(cause)}${where}`, { cause });
  }
}

/**
 * Builds every stale deployable, each in its own esbuild run (so its chunks are its own and a change
 * to one deployable cannot move another's chunk boundaries), then writes each bundle and its
 * manifest into its own directory.
 */
async function buildJobs(
  jobs: readonly Job[],
  rootDir: string,
  versions: Record<string, string>,
  shape: BundleShape,
): Promise<Map<Job, Manifest>> {
  const manifests = new Map<Job, Manifest>();
  await Promise.all(
    jobs.map(async (job, i) => {
      const virtualOut = join(rootDir, ".bundle-out", String(i));
      const built = await esbuildOne(job, rootDir, shape, virtualOut);
      if (!built.outputFiles.some((f) => f.path === join(virtualOut, "index.js"))) {
        throw new BundleError(job.fn.name, "esbuild produced no index.js");
      }
      const inputs = new Set<string>();
      for (const meta of Object.values(built.metafile.outputs))
        for (const input of Object.keys(meta.inputs)) inputs.add(input);
      assertDeployableInputs(job.fn.name, rootDir, [...inputs], Object.values(shape.substitutes));
      // Written aside and moved into place, so a concurrent run (the plan and tests share the
      // cache) never sees a half-written bundle.
      const staging = `${job.outDir}.staging-${process.pid}-${i}`;
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      const files: string[] = [];
      for (const output of built.outputFiles) {
        const file = relative(virtualOut, output.path);
        await writeFile(join(staging, file), output.contents);
        files.push(file);
      }
      if (shape.compileCache) {
        for (const file of COMPILE_CACHE_FILES) {
          await writeFile(join(staging, file), await readFile(join(COMPILE_CACHE_DIR, file)));
          files.push(file);
        }
      }
      await writeFile(join(staging, "package.json"), packageJson(job.fn, versions, shape.compileCache));
      files.push("package.json");
      const sizes: Record<string, number> = {};
      for (const file of files.sort()) sizes[file] = (await stat(join(staging, file))).size;
      const manifest: Manifest = {
        key: job.key,
        inputs: await stampInputs(rootDir, [...inputs]),
        hash: await hashOutputs(staging, files),
        sizes,
      };
      await writeFile(join(staging, MANIFEST), JSON.stringify(manifest));
      await rm(job.outDir, { recursive: true, force: true });
      try {
        await rename(staging, job.outDir);
      } catch (error) {
        // Another run placed the same inputs' bundle first: keep it.
        const reason = (error as NodeJS.ErrnoException).code;
        if (reason !== "ENOTEMPTY" && reason !== "EEXIST") throw error;
        await rm(staging, { recursive: true, force: true });
      }
      manifests.set(job, manifest);
    }),
  );
  return manifests;
}

/**
 * Bundles deployables, each into its own directory, rebuilding only those whose inputs changed.
 * Fails with a BundleError naming the function when an entry module does not exist.
 */
export async function bundleDeployables(
  items: readonly { fn: Deployable; outDir: string }[],
  options: Omit<BundleOptions, "outDir"> = {},
): Promise<BundleResult[]> {
  const rootDir = options.rootDir ?? FUNCTIONS_DIR;
  const shape = options.shape ?? DEPLOYED_SHAPE;
  const versions = options.dependencies ?? (await externalVersions([...EXTERNALS, ...shape.externals]));
  const version = JSON.stringify(versions);
  // The copied files are no esbuild input, so their content keys the build instead.
  const copied = shape.compileCache
    ? sha256(
        (await Promise.all(COMPILE_CACHE_FILES.map((f) => readFile(join(COMPILE_CACHE_DIR, f), "utf8")))).join("\0"),
      )
    : "";
  const jobs: Job[] = items.map(({ fn, outDir }) => ({
    fn,
    entry: resolve(rootDir, fn.entryPoint),
    outDir: resolve(outDir),
    key: sha256(
      JSON.stringify({
        BUILD_VERSION,
        entry: fn.entryPoint,
        name: fn.name,
        version,
        shape,
        copied,
        esbuild: esbuild.version,
      }),
    ),
  }));
  const missing = jobs.filter((job) => !existsSync(job.entry));
  if (missing.length > 0) {
    const first = missing[0]!;
    const others =
      missing.length > 1
        ? ` (also missing: ${missing
            .slice(1)
            .map((j) => j.fn.name)
            .join(", ")})`
        : "";
    throw new BundleError(first.fn.name, `entry point ${relative(process.cwd(), first.entry)} does not exist${others}`);
  }
  const previous = await Promise.all(jobs.map((job) => reusable(rootDir, job.outDir, job.key)));
  const stale = jobs.filter((_, i) => previous[i] === undefined);
  const fresh = stale.length > 0 ? await buildJobs(stale, rootDir, versions, shape) : new Map<Job, Manifest>();
  return Promise.all(
    jobs.map(async (job, i) => {
      const manifest = previous[i] ?? fresh.get(job)!;
      const files = Object.keys(manifest.sizes);
      const objectName = `${serviceName(job.fn.name)}-${manifest.hash.slice(0, 16)}.zip`;
      return {
        name: job.fn.name,
        outDir: job.outDir,
        hash: manifest.hash,
        objectName,
        files,
        main: mainModule(shape.compileCache),
        bytes: manifest.sizes["index.js"] ?? 0,
        totalBytes: files.filter((f) => f.endsWith(".js")).reduce((sum, f) => sum + (manifest.sizes[f] ?? 0), 0),
        cached: previous[i] !== undefined,
        inputs: Object.keys(manifest.inputs).map((input) => relative(REPO_DIR, resolve(rootDir, input))),
      };
    }),
  );
}

export async function bundleDeployable(fn: Deployable, options: BundleOptions): Promise<BundleResult> {
  const [result] = await bundleDeployables([{ fn, outDir: options.outDir }], options);
  return result!;
}

/** Bundles several deployables, each into `<outRoot>/<kebab name>`. */
export async function bundleAll(
  fns: readonly Deployable[],
  outRoot: string,
  options: Omit<BundleOptions, "outDir"> = {},
): Promise<BundleResult[]> {
  return bundleDeployables(
    fns.map((fn) => ({ fn, outDir: join(outRoot, serviceName(fn.name)) })),
    options,
  );
}

/** Where the Pulumi program and the plan keep bundles between runs. */
export const DEFAULT_BUNDLE_ROOT = resolve(FUNCTIONS_DIR, "..", "node_modules", ".cache", "genai-platform", "bundles");

async function main(argv: string[]): Promise<void> {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({
    args: argv,
    options: { all: { type: "boolean" }, function: { type: "string", multiple: true }, out: { type: "string" } },
  });
  const { platform } = await import("@genai-platform/definition");
  const wanted = values.all ? platform.functions : platform.functions.filter((f) => values.function?.includes(f.name));
  if (wanted.length === 0) throw new Error("usage: bundle.ts (--all | --function NAME...) [--out DIR]");
  const results = await bundleAll(wanted, resolve(values.out ?? "dist"));
  for (const r of results) {
    console.log(
      `${r.name.padEnd(24)} ${r.objectName}  ${(r.bytes / 1024).toFixed(0)} KiB${r.cached ? " (cached)" : ""}`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
