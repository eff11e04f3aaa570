// Cold start per deployable: from spawning its process to the first REAL 2xx answer (a verified
// token, Firestore reads and writes, the local Cloud Tasks / Vertex AI servers), median of K runs,
// beside a hello-world functions-framework process measured in the same run (the baseline).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FunctionDefinition, platform } from "@genai-platform/definition";
import { bundleAll, DEFAULT_BUNDLE_ROOT } from "@genai-platform/functions/bundle";
import { freePort } from "../firestore-emulator.ts";
import { ManagedProcess } from "../managed-process.ts";
import { type LocalPlatform, localFunctionEnvironment, startLocalPlatform } from "../platform/local-platform.ts";
import { median, round } from "./stats.ts";

export interface ColdStartRow {
  function: string;
  bundleKiB: number;
  /** Median spawn → first real 2xx. */
  ms: number;
  /** Median spawn → server listening (module loading), the rest is the first request itself. */
  listenMs: number;
  /** The hello-world baseline of the same run. */
  helloMs: number;
  ratio: number;
}

const SERVE = new URL("../platform/serve-function.ts", import.meta.url).pathname;
const HELLO = `import { http } from "@google-cloud/functions-framework";
http("hello", (_req, res) => { res.status(200).send("hello"); });
`;

interface Probe {
  url: string;
  init: RequestInit;
}

export async function runColdStart(options: { runs: number; log?: (line: string) => void }): Promise<ColdStartRow[]> {
  const log = options.log ?? (() => {});
  const bundles = await bundleAll(platform.functions, DEFAULT_BUNDLE_ROOT);
  // Room for every probe's admission: each run of generateImage/generateVideo creates a real job.
  const roomy = { image: 1000, video: 1000, agent: 1000, perMinute: 600 };
  const local = await startLocalPlatform({ tierLimits: { free: roomy, pro: roomy } });
  const dir = await mkdtemp(join(tmpdir(), "coldstart-"));
  try {
    // The hello-world lives next to the repository's node_modules so it resolves functions-framework.
    const hello = join(DEFAULT_BUNDLE_ROOT, "..", "hello-world.mjs");
    await writeFile(hello, HELLO);
    const { ms: helloMs } = await timeRuns(options.runs, () => ({
      entry: hello,
      target: "hello",
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production" },
      probe: (url) => ({ url, init: {} }),
    }));
    log(`hello-world: ${Math.round(helloMs)} ms`);

    const probes = await probesFor(local);
    const rows: ColdStartRow[] = [];
    for (const fn of platform.functions) {
      const bundle = bundles.find((b) => b.name === fn.name);
      if (!bundle) throw new Error(`no bundle for ${fn.name}`);
      const { ms, listenMs } = await timeRuns(options.runs, () => ({
        entry: join(bundle.outDir, "index.js"),
        target: fn.name,
        env: environmentOf(fn, local),
        probe: probes(fn),
      }));
      const row = {
        function: fn.name,
        bundleKiB: Math.round(bundle.bytes / 1024),
        ms: Math.round(ms),
        listenMs: Math.round(listenMs),
        helloMs: Math.round(helloMs),
        ratio: round(ms / helloMs),
      };
      log(`${row.function}: ${row.ms} ms (${row.ratio} × hello-world)`);
      rows.push(row);
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await local.stop();
  }
}

interface RunSpec {
  entry: string;
  target: string;
  env: Record<string, string>;
  probe: (url: string) => Probe;
}

async function timeRuns(runs: number, spec: () => RunSpec): Promise<{ ms: number; listenMs: number }> {
  // One unrecorded run first: it pays for the file system cache and the local servers' first
  // connections, which no later cold start in production would see from this side.
  await timeOne(spec());
  const samples: Array<{ ms: number; listenMs: number }> = [];
  for (let i = 0; i < runs; i++) samples.push(await timeOne(spec()));
  return { ms: median(samples.map((s) => s.ms)), listenMs: median(samples.map((s) => s.listenMs)) };
}

/** Spawns the process and polls the real request every 5 ms until it answers 2xx. */
async function timeOne(spec: RunSpec): Promise<{ ms: number; listenMs: number }> {
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
    body: JSON.stringify({
      jobId,
      step: queue === "video-jobs" ? "start" : "run",
    }),
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
