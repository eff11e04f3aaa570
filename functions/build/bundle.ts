// Bundles one deployable (its entry module from the platform definition) with esbuild into a
// directory Cloud Functions can build: index.js (ESM) plus a package.json. Also a CLI for CI.
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
}

export interface BundleResult {
  name: string;
  outDir: string;
  /** SHA-256 over the output files' names and contents. */
  hash: string;
  /** Object name for the source bucket; changes exactly when the bundle does. */
  objectName: string;
  /** Output files, relative to `outDir`. */
  files: string[];
  /** Bytes of `index.js`. */
  bytes: number;
  /** True when the previous build was reused because no input changed. */
  cached: boolean;
  /** Every module in `index.js`, as esbuild's metafile lists it, relative to the repository root. */
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
const BUILD_VERSION = 3;

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

let pinned: Record<string, string> | undefined;
async function externalVersions(): Promise<Record<string, string>> {
  if (pinned === undefined) {
    const pkg = JSON.parse(await readFile(join(FUNCTIONS_DIR, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    const versions: Record<string, string> = {};
    for (const name of EXTERNALS) {
      const version = pkg.dependencies?.[name];
      if (!version) throw new Error(`functions/package.json does not pin ${name}`);
      versions[name] = version;
    }
    pinned = versions;
  }
  return pinned;
}

function packageJson(fn: Deployable, versions: Record<string, string>): string {
  const pkg = {
    name: `genai-platform-${serviceName(fn.name)}`,
    private: true,
    type: "module",
    main: "index.js",
    engines: { node: ">=22" },
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

const OUTPUT_FILES = ["index.js", "package.json"];

/** The previous build is reusable when its options match and no input file's content changed. */
async function reusable(rootDir: string, outDir: string, key: string): Promise<Manifest | undefined> {
  const manifest = await readManifest(outDir);
  if (!manifest || manifest.key !== key || !manifest.sizes) return undefined;
  try {
    for (const file of OUTPUT_FILES) {
      if ((await stat(join(outDir, file))).size !== manifest.sizes[file]) return undefined;
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
 * infra, scripts): what esbuild's metafile lists as an input is exactly what ships.
 */
function assertDeployableInputs(functionName: string, rootDir: string, inputs: readonly string[]): void {
  const allowed = [rootDir, ...DEPLOYABLE_PACKAGES.map((name) => join(REPO_DIR, name))];
  for (const input of inputs) {
    const path = resolve(rootDir, input);
    const inRepo = path.startsWith(REPO_DIR + sep);
    if (!inRepo || path.split(sep).includes("node_modules")) continue;
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
 * Builds every stale deployable in ONE esbuild run (shared parsing of the SDKs they have in
 * common), then writes each bundle and its manifest into its own directory.
 */
async function buildJobs(
  jobs: readonly Job[],
  rootDir: string,
  versions: Record<string, string>,
): Promise<Map<Job, Manifest>> {
  const virtualOut = join(rootDir, ".bundle-out");
  let built: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    built = await esbuild.build({
      absWorkingDir: rootDir,
      entryPoints: jobs.map((job, i) => ({ in: job.entry, out: `${i}/index` })),
      outdir: virtualOut,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      minify: true,
      keepNames: true,
      legalComments: "none",
      external: [...EXTERNALS],
      banner: { js: ESM_BANNER },
      metafile: true,
      write: false,
      logLevel: "silent",
    });
  } catch (cause) {
    const errors = (cause as { errors?: esbuild.Message[] }).errors ?? [];
    const first = errors[0];
    const file = first?.location?.file;
    const job = jobs.find((j) => file !== undefined && resolve(rootDir, file) === j.entry) ?? jobs[0]!;
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : "";
    const name = jobs.length === 1 ? job.fn.name : jobs.map((j) => j.fn.name).join(", ");
    throw new BundleError(name, `esbuild failed: ${first?.text ?? String(cause)}${where}`, { cause });
  }
  const manifests = new Map<Job, Manifest>();
  await Promise.all(
    jobs.map(async (job, i) => {
      const outPath = join(virtualOut, String(i), "index.js");
      const code = built.outputFiles.find((f) => f.path === outPath);
      const meta = Object.entries(built.metafile.outputs).find(([path]) => resolve(rootDir, path) === outPath)?.[1];
      if (!code || !meta) throw new BundleError(job.fn.name, "esbuild produced no index.js");
      assertDeployableInputs(job.fn.name, rootDir, Object.keys(meta.inputs));
      // Written aside and moved into place, so a concurrent run (the plan and tests share the
      // cache) never sees a half-written bundle.
      const staging = `${job.outDir}.staging-${process.pid}-${i}`;
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      await writeFile(join(staging, "index.js"), code.contents);
      await writeFile(join(staging, "package.json"), packageJson(job.fn, versions));
      const sizes: Record<string, number> = {};
      for (const file of OUTPUT_FILES) sizes[file] = (await stat(join(staging, file))).size;
      const manifest: Manifest = {
        key: job.key,
        inputs: await stampInputs(rootDir, Object.keys(meta.inputs)),
        hash: await hashOutputs(staging, OUTPUT_FILES),
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
  const versions = options.dependencies ?? (await externalVersions());
  const version = JSON.stringify(versions);
  const jobs: Job[] = items.map(({ fn, outDir }) => ({
    fn,
    entry: resolve(rootDir, fn.entryPoint),
    outDir: resolve(outDir),
    key: sha256(
      JSON.stringify({ BUILD_VERSION, entry: fn.entryPoint, name: fn.name, version, esbuild: esbuild.version }),
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
  const fresh = stale.length > 0 ? await buildJobs(stale, rootDir, versions) : new Map<Job, Manifest>();
  return Promise.all(
    jobs.map(async (job, i) => {
      const manifest = previous[i] ?? fresh.get(job)!;
      const bytes = manifest.sizes["index.js"] ?? 0;
      const objectName = `${serviceName(job.fn.name)}-${manifest.hash.slice(0, 16)}.zip`;
      return {
        name: job.fn.name,
        outDir: job.outDir,
        hash: manifest.hash,
        objectName,
        files: OUTPUT_FILES,
        bytes,
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
