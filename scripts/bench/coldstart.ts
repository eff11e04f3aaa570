// Cold start per deployable: from spawning the function's process until its server listens, for the
// esbuild bundle (what is deployed) against the unbundled sources (the baseline), in the same run.
import { join } from "node:path";
import { bundleAll, DEFAULT_BUNDLE_ROOT } from "../../functions/build/bundle.ts";
import { functionEnvironment } from "../../functions/src/config/function-env.ts";
import { hostFunction } from "../../functions/src/local/platform/function-host.ts";
import { platform } from "../../functions/src/platform/index.ts";
import { median, round } from "./stats.ts";

export interface ColdStartRow {
  function: string;
  bundleKiB: number;
  bundledMs: number;
  sourceMs: number;
  ratio: number;
}

const FUNCTIONS_DIR = new URL("../../functions/", import.meta.url).pathname;

export async function runColdStart(options: { runs: number; log?: (line: string) => void }): Promise<ColdStartRow[]> {
  const bundles = await bundleAll(platform.functions, DEFAULT_BUNDLE_ROOT);
  const workerUrls: Record<string, string> = {};
  for (const fn of platform.functions) if (fn.trigger === "task") workerUrls[fn.drains] = "http://127.0.0.1:9/";
  const rows: ColdStartRow[] = [];
  for (const fn of platform.functions) {
    const bundle = bundles.find((b) => b.name === fn.name);
    if (!bundle) throw new Error(`no bundle for ${fn.name}`);
    // Endpoints are never called here: only module loading and the server start are timed.
    const env = {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      METADATA_SERVER_DETECTION: "none",
      ...functionEnvironment<string>(fn, {
        environment: "local",
        project: "demo-coldstart",
        region: "us-central1",
        vertexLocation: "global",
        mediaBucket: "demo-coldstart-media",
        tierLimits: platform.tiers,
        webOrigins: ["http://localhost:5173"],
        tasksInvokerEmail: "tasks-invoker@demo-coldstart.iam.gserviceaccount.com",
        signedUrlTtlSeconds: 900,
        workerUrls,
      }),
    };
    const time = async (entry: string) => {
      const samples: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        const started = performance.now();
        let listening: number | undefined;
        // The child prints `serving …` once its server listens: exact, unlike readiness polling.
        const hosted = await hostFunction({
          name: fn.name,
          bundleIndex: entry,
          env,
          onOutput: (chunk) => {
            if (listening === undefined && chunk.includes("serving ")) listening = performance.now();
          },
        });
        samples.push((listening ?? performance.now()) - started);
        await hosted.stop();
      }
      return median(samples);
    };
    const bundledMs = await time(join(bundle.outDir, "index.js"));
    const sourceMs = await time(join(FUNCTIONS_DIR, fn.entryPoint));
    const row = {
      function: fn.name,
      bundleKiB: Math.round(bundle.bytes / 1024),
      bundledMs: Math.round(bundledMs),
      sourceMs: Math.round(sourceMs),
      ratio: round(bundledMs / sourceMs),
    };
    options.log?.(`${row.function}: bundle ${row.bundledMs} ms, sources ${row.sourceMs} ms`);
    rows.push(row);
  }
  return rows;
}
