// Cold start per deployable and bundle shape: from spawning its process to the first REAL 2xx
// answer (a verified token, Firestore reads and writes, the local Cloud Tasks / Vertex AI servers),
// median of K runs, beside a hello-world functions-framework process measured in the same run (the
// baseline). Runs are interleaved (hello-world, then every deployable in every shape, K times), so
// a machine busy with other work weighs on every column alike.
import { execFile } from "node:child_process";
import { cp, rename, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { type FunctionDefinition, platform } from "@genai-platform/definition";
import { type BundleResult, bundleAll, DEFAULT_BUNDLE_ROOT } from "@genai-platform/functions/bundle";
import { freePort } from "../firestore-emulator.ts";
import { ManagedProcess } from "../managed-process.ts";
import { type LocalPlatform, localFunctionEnvironment, startLocalPlatform } from "../platform/local-platform.ts";
import { BUNDLE_SHAPES, type ShapeName } from "./bundle-shapes.ts";
import { median, round } from "./stats.ts";

export interface ColdStartRow {
  function: string;
  shape: ShapeName;
  /** Started with the compile cache its gcp-build step writes (only a shape that ships the step). */
  compileCache: boolean;
  /** index.js, what Node reads at start. */
  bundleKiB: number;
  /** Every JavaScript file of the bundle (index.js and its chunks). */
  totalKiB: number;
  /** Median spawn → first real 2xx. */
  ms: number;
  /** Median spawn → server listening (module loading), the rest is the first request itself. */
  listenMs: number;
  /** The hello-world baseline of the same run. */
  helloMs: number;
  /** ms / helloMs. */
  ratio: number;
  /** listenMs / the hello-world's own spawn → listening. */
  listenRatio: number;
}

export interface ColdStartResult {
  runs: number;
  helloMs: number;
  helloListenMs: number;
  rows: ColdStartRow[];
}

/** Where each shape's bundles are built; under the repository's node_modules so externals resolve. */
const BUNDLE_ROOTS: Readonly<Record<ShapeName, string>> = {
  current: DEFAULT_BUNDLE_ROOT,
  previous: join(DEFAULT_BUNDLE_ROOT, "..", "bundles-previous-shape"),
};

/** Copies of the bundles that ship the compile cache step, with the cache their build step wrote. */
const COMPILE_CACHE_ROOT = join(DEFAULT_BUNDLE_ROOT, "..", "bundles-compile-cache");
/** Where start.mjs looks for the cache, beside itself. */
const CACHE_DIR = ".node-compile-cache";

const SERVE = new URL("../platform/serve-function.ts", import.meta.url).pathname;
const HELLO = `import { http } from "@google-cloud/functions-framework";
http("hello", (_req, res) => { res.status(200).send("hello"); });
`;

interface Probe {
  url: string;
  init: RequestInit;
}

export async function runColdStart(options: {
  runs: number;
  shapes: readonly ShapeName[];
  log?: (line: string) => void;
}): Promise<ColdStartResult> {
  const log = options.log ?? (() => {});
  const bundles = new Map<ShapeName, BundleResult[]>();
  for (const shape of options.shapes) {
    bundles.set(shape, await bundleAll(platform.functions, BUNDLE_ROOTS[shape], { shape: BUNDLE_SHAPES[shape] }));
  }
  // Room for every probe's admission: each run of generateImage/generateVideo creates a real job.
  const roomy = { image: 1000, video: 1000, agent: 1000, perMinute: 600 };
  const local = await startLocalPlatform({ tierLimits: { free: roomy, pro: roomy } });
  try {
    // The hello-world lives next to the repository's node_modules so it resolves functions-framework.
    const hello = join(DEFAULT_BUNDLE_ROOT, "..", "hello-world.mjs");
    await writeFile(hello, HELLO);
    const helloSpec: RunSpec = {
      entry: hello,
      target: "hello",
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production" },
      probe: (url) => ({ url, init: {} }),
    };
    const probes = await probesFor(local);
    const cases = (
      await Promise.all(
        platform.functions.flatMap((fn) =>
          options.shapes.map(async (shape) => {
            const bundle = bundles.get(shape)?.find((b) => b.name === fn.name);
            if (!bundle) throw new Error(`no ${shape} bundle for ${fn.name}`);
            const spec = (entry: string, prepare?: () => Promise<void>): RunSpec => ({
              entry,
              target: fn.name,
              env: environmentOf(fn, local),
              probe: probes(fn),
              ...(prepare ? { prepare } : {}),
            });
            const variant = (compileCache: boolean, s: RunSpec) => ({ fn, shape, compileCache, bundle, spec: s });
            const plain = variant(false, spec(join(bundle.outDir, bundle.main)));
            if (!BUNDLE_SHAPES[shape].compileCache) return [plain];
            const cached = await withBuiltCompileCache(bundle);
            return [plain, variant(true, spec(cached.main, cached.restore))];
          }),
        ),
      )
    )
      .flat()
      .map((c) => ({ ...c, samples: [] as Sample[] }));
    const helloSamples: Sample[] = [];
    // Round 0 is not recorded: it pays for the file system cache and the local servers' first
    // connections, which no later cold start in production would see from this side.
    for (let round = 0; round <= options.runs; round++) {
      const hello = await timeOne(helloSpec);
      if (round > 0) helloSamples.push(hello);
      for (const c of cases) {
        const sample = await timeOne(c.spec);
        if (round > 0) c.samples.push(sample);
      }
      if (round > 0) log(`round ${round} of ${options.runs} done`);
    }
    const helloMs = median(helloSamples.map((s) => s.ms));
    const helloListenMs = median(helloSamples.map((s) => s.listenMs));
    log(`hello-world: ${Math.round(helloMs)} ms`);
    const rows = cases.map(({ fn, shape, compileCache, bundle, samples }): ColdStartRow => {
      const ms = median(samples.map((s) => s.ms));
      const listenMs = median(samples.map((s) => s.listenMs));
      const row = {
        function: fn.name,
        shape,
        compileCache,
        bundleKiB: Math.round(bundle.bytes / 1024),
        totalKiB: Math.round(bundle.totalBytes / 1024),
        ms: Math.round(ms),
        listenMs: Math.round(listenMs),
        helloMs: Math.round(helloMs),
        ratio: round(ms / helloMs),
        listenRatio: round(listenMs / helloListenMs),
      };
      log(
        `${row.function} (${shape}${compileCache ? ", compile cache" : ""}): ${row.ms} ms (${row.ratio} × hello-world)`,
      );
      return row;
    });
    return { runs: options.runs, helloMs: Math.round(helloMs), helloListenMs: Math.round(helloListenMs), rows };
  } finally {
    await local.stop();
  }
}

interface Sample {
  ms: number;
  listenMs: number;
}

interface RunSpec {
  entry: string;
  target: string;
  env: Record<string, string>;
  probe: (url: string) => Probe;
  /** Run before each spawn, outside the measured time. */
  prepare?: () => Promise<void>;
}

/**
 * A copy of the bundle in which its gcp-build step (warm.mjs) has run as the Cloud Functions build
 * runs it: in the bundle's own directory, with none of the function's environment. The cache is
 * keyed by absolute path, so the copy keeps it beside its own files. `restore` puts back the cache
 * exactly as the build left it before each start: a process adds entries at exit, which a fresh
 * instance in the cloud would not find.
 */
async function withBuiltCompileCache(bundle: BundleResult): Promise<{ main: string; restore: () => Promise<void> }> {
  const dir = join(COMPILE_CACHE_ROOT, basename(bundle.outDir));
  const built = `${dir}.built-cache`;
  await rm(dir, { recursive: true, force: true });
  await rm(built, { recursive: true, force: true });
  await cp(bundle.outDir, dir, { recursive: true });
  await promisify(execFile)(process.execPath, [join(dir, "warm.mjs")], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "" },
  });
  await rename(join(dir, CACHE_DIR), built);
  return {
    main: join(dir, bundle.main),
    restore: async () => {
      await rm(join(dir, CACHE_DIR), { recursive: true, force: true });
      await cp(built, join(dir, CACHE_DIR), { recursive: true });
    },
  };
}

/** Spawns the process and polls the real request every 5 ms until it answers 2xx. */
async function timeOne(spec: RunSpec): Promise<Sample> {
  await spec.prepare?.();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const probe = spec.probe(url);
  const started = performance.now();
  let listening: number | undefined;
  const child = new ManagedProcess(process.execPath, [SERVE, spec.entry, spec.target, String(port)], {
    label: `cold start of ${spec.target}`,
    env: spec.env,
    // serve-function prints `serving …` once its server listens.
    onOutput: (chunk) => {
      if (listening === undefined && chunk.includes("serving ")) listening = performance.now();
    },
  });
  try {
    // Polled every 5 ms (not ManagedProcess.waitUntil's 150 ms) so the figure is not quantized.
    const deadline = started + 60_000;
    for (;;) {
      if (performance.now() > deadline) throw new Error(`${spec.target} did not answer 2xx:\n${child.recentOutput}`);
      const status = await fetch(probe.url, { ...probe.init, signal: AbortSignal.timeout(30_000) }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      if (status >= 200 && status < 300) break;
      if (status >= 300) throw new Error(`${spec.target} answered ${status}:\n${child.recentOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const done = performance.now();
    return { ms: done - started, listenMs: (listening ?? done) - started };
  } finally {
    await child.stop();
  }
}

function environmentOf(fn: FunctionDefinition, local: LocalPlatform): Record<string, string> {
  return localFunctionEnvironment(fn, {
    projectId: local.projectId,
    region: "us-central1",
    mediaBucket: local.mediaBucket,
    tierLimits: local.tierLimits,
    webOrigins: ["http://localhost:5173"],
    workerUrls: local.workerUrls,
    tasksEndpoint: local.tasks.endpoint,
    storageUrl: local.storage.url,
    ...(local.vertex ? { vertexUrl: local.vertex.url } : {}),
    firestoreHost: local.firestoreHost,
    authHost: local.authHost,
  });
}

/** The real request each deployable answers 2xx to; a finished job makes the workers acknowledge. */
async function probesFor(local: LocalPlatform): Promise<(fn: FunctionDefinition) => (url: string) => Probe> {
  const token = await local.idToken("coldstart-user");
  const auth = { Authorization: `Bearer ${token}` };
  const json = { ...auth, "Content-Type": "application/json" };
  const admitted = await fetch(`${local.url}/generateImage`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ prompt: "a cold start, measured", aspectRatio: "1:1" }),
  });
  const { jobId } = (await admitted.json()) as { jobId: string };
  // The video worker refuses an image job on its queue: it gets a finished video job of its own,
  // failed at once by a permanent model error (400), so no poll schedule has to run out first.
  local.vertex?.faults.push({ status: 400, times: 1 });
  const video = await fetch(`${local.url}/generateVideo`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ prompt: "a cold start, measured", durationSeconds: 4 }),
  });
  const { jobId: videoJobId } = (await video.json()) as { jobId: string };
  await local.tasks.idle();
  let task = 0;
  const delivery = (queue: string) => ({
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-CloudTasks-QueueName": queue,
      "X-CloudTasks-TaskName": `coldstart-${++task}`,
      "X-CloudTasks-TaskRetryCount": "0",
      "X-CloudTasks-TaskExecutionCount": "0",
    },
    body: JSON.stringify(queue === "video-jobs" ? { jobId: videoJobId, step: "start" } : { jobId, step: "run" }),
  });
  const post = (body: unknown): RequestInit => ({ method: "POST", headers: json, body: JSON.stringify(body) });
  return (fn) => (url) => {
    switch (fn.name) {
      case "generateImage":
        return { url, init: post({ prompt: "a cold start, measured", aspectRatio: "1:1" }) };
      case "generateVideo":
        return { url, init: post({ prompt: "a cold start, measured", durationSeconds: 4 }) };
      case "creativeDirectorAgent":
        return { url, init: post({ messages: [{ role: "user", content: "Give me a concept for a tea brand." }] }) };
      case "getJob":
        return { url: `${url}?jobId=${jobId}`, init: { headers: auth } };
      case "getUsage":
        return { url, init: { headers: auth } };
      case "sweepJobs":
        // As Cloud Scheduler calls it: a bodiless POST; the run reads the (mostly empty) jobs index.
        return { url, init: { method: "POST" } };
      default:
        if (fn.trigger !== "task") throw new Error(`no cold-start probe for ${fn.name}`);
        return { url, init: delivery(fn.drains[0]!) };
    }
  };
}
