// `npm start`: the whole backend locally. Prints `ready: <base URL>` when every part answers;
// Ctrl-C or SIGTERM stops everything it started (process groups, no stray emulator).
import { mkdir, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startLocalPlatform } from "@genai-platform/local/platform/local-platform.ts";

const DEFAULT_STATE_FILE = resolve(import.meta.dirname, "..", ".local", "platform.json");

const USAGE = `usage: npm start -- [--port 8080] [--image-rate N] [--video-rate N] [--vertex-quota N]
                 [--vertex local|real --project <gcp-project>] [--quiet] [--state FILE]`;

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8080" },
    "image-rate": { type: "string" },
    "video-rate": { type: "string" },
    "vertex-quota": { type: "string" },
    vertex: { type: "string", default: "local" },
    project: { type: "string" },
    quiet: { type: "boolean", default: false },
    state: { type: "string", default: DEFAULT_STATE_FILE },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

function portNumber(value: string | undefined): number {
  const n = Number(value ?? "8080");
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    console.error(`--port must be a port number (0 picks a free one), got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

if (values.vertex !== "local" && values.vertex !== "real") {
  console.error(`--vertex must be local or real\n${USAGE}`);
  process.exit(2);
}
if (values.vertex === "real" && !values.project) {
  console.error(`--vertex real needs --project <a Google Cloud project with Vertex AI enabled>\n${USAGE}`);
  process.exit(2);
}

// The stand-ins need no Google credentials: keep Google libraries in this process from probing
// the metadata server (with --vertex real, only the function processes need credentials).
process.env.METADATA_SERVER_DETECTION ??= "none";

const STATE_FILE = resolve(values.state);
const imageRate = positive("image-rate", values["image-rate"]);
const videoRate = positive("video-rate", values["video-rate"]);
const vertexQuota = positive("vertex-quota", values["vertex-quota"]);
const started = Date.now();
console.log("starting the local platform (Firestore and Auth emulators, local Cloud Tasks, Storage, Vertex AI)…");

const platform = await startLocalPlatform({
  port: portNumber(values.port),
  ...(values.project ? { projectId: values.project } : {}),
  vertex: values.vertex,
  rates: { ...(imageRate ? { "image-jobs": imageRate } : {}), ...(videoRate ? { "video-jobs": videoRate } : {}) },
  ...(vertexQuota ? { vertexQuotaPerSecond: vertexQuota } : {}),
  mediaDir: resolve(import.meta.dirname, "..", ".local", "media"),
  log: values.quiet ? () => {} : (source, line) => console.log(`[${source}] ${line}`),
}).catch((error: unknown) => {
  console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

await mkdir(resolve(STATE_FILE, ".."), { recursive: true });
await writeFile(
  STATE_FILE,
  JSON.stringify(
    {
      url: platform.url,
      projectId: platform.projectId,
      firestoreHost: platform.firestoreHost,
      authHost: platform.authHost,
      ...(platform.vertex ? { vertexUrl: platform.vertex.url } : {}),
      pid: process.pid,
    },
    null,
    2,
  ),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await platform.stop();
  await rm(STATE_FILE, { force: true });
  console.log("stopped.");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

const fns = [...platform.functions.keys()].filter((name) => !/Worker$/.test(name));
console.log(`
functions (${((Date.now() - started) / 1000).toFixed(1)} s to start):
${fns.map((name) => `  ${platform.url}/${name}`).join("\n")}
emulators: FIRESTORE_EMULATOR_HOST=${platform.firestoreHost} FIREBASE_AUTH_EMULATOR_HOST=${platform.authHost}
media: .local/media/   Vertex AI: ${values.vertex === "real" ? `real, project ${platform.projectId}` : platform.vertex?.url}

try it:
  TOKEN=$(npm run -s token -- --uid alice)
  curl -s -X POST ${platform.url}/generateImage -H "Authorization: Bearer $TOKEN" \\
       -H 'Content-Type: application/json' -d '{"prompt":"a lighthouse in a storm","aspectRatio":"16:9"}'
  curl -s "${platform.url}/getJob?jobId=<jobId>" -H "Authorization: Bearer $TOKEN"
  curl -s ${platform.url}/getUsage -H "Authorization: Bearer $TOKEN"

ready: ${platform.url}`);
