// `npm start`: the whole backend locally, with the dev stack's limits, origins and signed-URL
// lifetime, on fixed ports, and the reference web app. Prints a `ready:` block when every part
// answers; Ctrl-C or SIGTERM saves state (with --data) and stops everything it started.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { platform as definition } from "@genai-platform/definition";
import { parseStackConfig } from "@genai-platform/infra/config";
import { readStackConfig } from "@genai-platform/infra/plan/stack-config.ts";
import {
  DEFAULT_PORTS,
  FREE_PORTS,
  type PlatformPorts,
  startLocalPlatform,
} from "@genai-platform/local/platform/local-platform.ts";
import { startWebServer, type WebAppConfig } from "@genai-platform/local/platform/web-server.ts";
import { LOCAL_STATE_FILE } from "./cli.ts";

const ROOT = resolve(import.meta.dirname, "..");
const WEB_DIST = join(ROOT, "web", "dist");
const DEFAULT_WEB_PORT = 8704;
/** Vite's dev server and `vite preview`, on both loopback names. */
const DEV_SERVER_ORIGINS = ["5173", "4173"].flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`]);

const PORT_FLAGS = {
  port: "gateway",
  "firestore-port": "firestore",
  "auth-port": "auth",
  "tasks-port": "tasks",
  "storage-port": "storage",
  "vertex-port": "vertex",
  "app-check-port": "appCheck",
  "functions-port": "functions",
} as const satisfies Record<string, keyof PlatformPorts>;

const USAGE = `usage: npm start -- [options]
  --web-origin ORIGIN    allow this web origin (repeatable; replaces the default list:
                         the dev stack's webOrigins, ${DEV_SERVER_ORIGINS.join(", ")})
  --data DIR             keep users, jobs, usage and media in DIR across restarts
  --port N               gateway (default ${DEFAULT_PORTS.gateway})
  --firestore-port N     Firestore emulator (default ${DEFAULT_PORTS.firestore})
  --auth-port N          Auth emulator (default ${DEFAULT_PORTS.auth})
  --tasks-port N         local Cloud Tasks (default ${DEFAULT_PORTS.tasks})
  --storage-port N       local Cloud Storage (default ${DEFAULT_PORTS.storage})
  --vertex-port N        local Vertex AI (default ${DEFAULT_PORTS.vertex})
  --app-check-port N     local App Check (default ${DEFAULT_PORTS.appCheck})
  --app-check off|monitor|enforce   App Check on the spending endpoints (default monitor)
  --app-check-consume    replay protection: each App Check token is accepted once
  --functions-port N     first function process; the others follow (default ${DEFAULT_PORTS.functions})
  --web-port N           the reference web app (default ${DEFAULT_WEB_PORT}); --no-web to skip it
  --free-ports           every part on a free port (several platforms on one machine)
  --daily-budget-usd N   the platform's global daily budget in USD (default unlimited)
  --image-rate N  --video-rate N  --vertex-quota N
  --instances N          processes per public function behind the gateway (default 1)
  --vertex local|real --project <gcp-project>
  --quiet  --state FILE`;

const { values } = parseArgs({
  allowNegative: true,
  options: {
    port: { type: "string", default: process.env.PORT },
    "firestore-port": { type: "string" },
    "auth-port": { type: "string" },
    "tasks-port": { type: "string" },
    "storage-port": { type: "string" },
    "vertex-port": { type: "string" },
    "app-check-port": { type: "string" },
    "app-check": { type: "string", default: "monitor" },
    "app-check-consume": { type: "boolean", default: false },
    "functions-port": { type: "string" },
    "web-port": { type: "string" },
    web: { type: "boolean", default: true },
    "free-ports": { type: "boolean", default: false },
    "web-origin": { type: "string", multiple: true },
    data: { type: "string" },
    "daily-budget-usd": { type: "string" },
    "image-rate": { type: "string" },
    "video-rate": { type: "string" },
    "vertex-quota": { type: "string" },
    instances: { type: "string" },
    vertex: { type: "string", default: "local" },
    project: { type: "string" },
    quiet: { type: "boolean", default: false },
    state: { type: "string", default: LOCAL_STATE_FILE },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got "${value}"`);
  return n;
}

function portNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) fail(`--${flag} must be a port number (0 picks a free one)`);
  return n;
}

function origin(value: string): string {
  try {
    const url = new URL(value);
    if ((url.protocol === "http:" || url.protocol === "https:") && url.origin === value.replace(/\/$/, "")) {
      return url.origin;
    }
  } catch {}
  return fail(`--web-origin must be an origin such as http://127.0.0.1:5999 (scheme, host, port), got "${value}"`);
}

if (values.vertex !== "local" && values.vertex !== "real") fail("--vertex must be local or real");
const appCheckMode = values["app-check"];
if (appCheckMode !== "off" && appCheckMode !== "monitor" && appCheckMode !== "enforce") {
  fail(`--app-check must be off, monitor or enforce, got "${appCheckMode}"`);
}
if (values.vertex === "real" && !values.project) {
  fail("--vertex real needs --project <a Google Cloud project with Vertex AI enabled>");
}

// The stand-ins need no Google credentials: keep Google libraries in this process from probing
// the metadata server (with --vertex real, only the function processes need credentials).
process.env.METADATA_SERVER_DETECTION ??= "none";

// One source of limits: what the dev stack deploys is what runs here.
const dev = parseStackConfig(
  Object.fromEntries(
    Object.entries(readStackConfig(ROOT, "dev")).map(([key, value]) => [key.replace(/^genai-platform:/, ""), value]),
  ),
);
const base = values["free-ports"] ? FREE_PORTS : DEFAULT_PORTS;
const ports = { ...base };
for (const [flag, part] of Object.entries(PORT_FLAGS)) {
  ports[part] = portNumber(flag, values[flag as keyof typeof PORT_FLAGS], base[part]);
}
const webPort = portNumber("web-port", values["web-port"], values["free-ports"] ? 0 : DEFAULT_WEB_PORT);
const origins = values["web-origin"]?.map(origin) ?? [...dev.webOrigins, ...DEV_SERVER_ORIGINS];

const STATE_FILE = resolve(values.state);
const DATA_DIR = values.data ? resolve(values.data) : undefined;
const imageRate = positive("image-rate", values["image-rate"]);
const videoRate = positive("video-rate", values["video-rate"]);
const vertexQuota = positive("vertex-quota", values["vertex-quota"]);
const dailyBudgetUsd = positive("daily-budget-usd", values["daily-budget-usd"]);
const instances = positive("instances", values.instances);
if (instances !== undefined && !Number.isInteger(instances))
  fail(`--instances must be a whole number, got "${values.instances}"`);
const started = Date.now();

// The web app's own origin is known only once its port is bound; it is always allowed.
const web = values.web ? await startWebApp() : undefined;
const allowedOrigins = [...new Set([...origins, ...(web ? [web.url, web.url.replace("127.0.0.1", "localhost")] : [])])];

console.log(
  `starting the local platform (Firestore and Auth emulators, local Cloud Tasks, Storage, Vertex AI)${DATA_DIR ? `, state in ${DATA_DIR}` : ""}…`,
);
const platform = await startLocalPlatform({
  ports,
  ...(values.project ? { projectId: values.project } : {}),
  vertex: values.vertex,
  appCheck: { mode: appCheckMode, consume: values["app-check-consume"] },
  webOrigins: allowedOrigins,
  signedUrlTtlSeconds: dev.signedUrlTtlSeconds,
  ...(dev.tierLimits ? { tierLimits: dev.tierLimits } : {}),
  ...(DATA_DIR ? { dataDir: DATA_DIR } : { mediaDir: join(ROOT, ".local", "media") }),
  rates: { ...(imageRate ? { "image-jobs": imageRate } : {}), ...(videoRate ? { "video-jobs": videoRate } : {}) },
  ...(vertexQuota ? { vertexQuotaPerSecond: vertexQuota } : {}),
  ...(dailyBudgetUsd ? { dailyBudgetUsd } : {}),
  ...(instances ? { instances } : {}),
  log: values.quiet ? () => {} : (source, line) => console.log(`[${source}] ${line}`),
  // The sweeper runs on the schedule's own period, as Cloud Scheduler would run it.
  sweepIntervalMs: definition.sweeper.intervalSeconds * 1000,
}).catch(async (error: unknown) => {
  await web?.close();
  const message = error instanceof Error ? error.message : String(error);
  const inUse = /EADDRINUSE|address already in use|Address already in use/i.test(message);
  console.error(
    `could not start: ${message}${inUse ? "\na port is taken: pick others with the --*-port flags, or --free-ports" : ""}`,
  );
  process.exit(1);
});

const webConfig: WebAppConfig = {
  projectId: platform.projectId,
  apiKey: "demo-api-key",
  apiBaseUrl: platform.url,
  authEmulatorUrl: `http://${platform.authHost}`,
  firestoreEmulator: { host: "127.0.0.1", port: platform.ports.firestore },
};
web?.configure(webConfig);

await mkdir(resolve(STATE_FILE, ".."), { recursive: true });
await writeFile(
  STATE_FILE,
  JSON.stringify(
    {
      url: platform.url,
      projectId: platform.projectId,
      firestoreHost: platform.firestoreHost,
      authHost: platform.authHost,
      storageUrl: platform.storage.url,
      webUrl: web?.url,
      webOrigins: platform.webOrigins,
      ...(platform.vertex ? { vertexUrl: platform.vertex.url } : {}),
      appCheck: {
        url: platform.appCheck.url,
        projectNumber: platform.projectNumber,
        appId: platform.appCheck.appId,
        debugToken: platform.appCheck.debugToken,
      },
      tasksEndpoint: platform.tasks.endpoint,
      region: platform.region,
      tierLimits: platform.tierLimits,
      ...(platform.dailyBudgetUsd !== undefined ? { dailyBudgetUsd: platform.dailyBudgetUsd } : {}),
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
  console.log(`\n${signal}: ${DATA_DIR ? `saving state to ${DATA_DIR} and ` : ""}stopping…`);
  await web?.close();
  await platform.stop();
  await rm(STATE_FILE, { force: true });
  console.log("stopped.");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

const fns = [...platform.functions.keys()].filter((name) => !/Worker$/.test(name));
const tiers = Object.entries(platform.tierLimits)
  .map(
    ([tier, kinds]) =>
      `${tier} ${Object.entries(kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}`,
  )
  .join("; ");
console.log(`
functions (${((Date.now() - started) / 1000).toFixed(1)} s to start):
${fns.map((name) => `  ${platform.url}/${name}`).join("\n")}
project:   ${platform.projectId}
emulators: FIRESTORE_EMULATOR_HOST=${platform.firestoreHost} FIREBASE_AUTH_EMULATOR_HOST=${platform.authHost}
web app:   ${web ? web.url : "not served (--no-web); npm run dev -w web"}
origins:   ${platform.webOrigins.join(" ")}   (--web-origin to change)
app check: ${appCheckMode}${values["app-check-consume"] ? " with replay protection" : ""} (--app-check off|monitor|enforce), stand-in ${platform.appCheck.url}
tiers:     ${tiers} per UTC day (Pulumi.dev.yaml); signed URLs live ${platform.signedUrlTtlSeconds} s
state:     ${DATA_DIR ? `kept in ${DATA_DIR}` : "in memory (--data DIR keeps it across restarts)"}
media:     ${DATA_DIR ? join(DATA_DIR, "media") : ".local/media/"}   Vertex AI: ${values.vertex === "real" ? `real, project ${platform.projectId}` : platform.vertex?.url}

Firebase web config (Firebase JS SDK 12):
  const app = initializeApp({ projectId: "${webConfig.projectId}", apiKey: "${webConfig.apiKey}" });
  connectAuthEmulator(getAuth(app), "${webConfig.authEmulatorUrl}");
  connectFirestoreEmulator(getFirestore(app), "${webConfig.firestoreEmulator.host}", ${webConfig.firestoreEmulator.port});
  const client = createGenAiClient({ baseUrl: "${platform.url}",
    getIdToken: (force) => getAuth(app).currentUser.getIdToken(force) });

try it from a shell:
  { read -r TOKEN; read -r APPCHECK; } < <(npm run -s token -- --uid alice --app-check)
  curl -s -X POST ${platform.url}/generateImage -H "Authorization: Bearer $TOKEN" -H "X-Firebase-AppCheck: $APPCHECK" \\
       -H 'Content-Type: application/json' -d '{"prompt":"a lighthouse in a storm","aspectRatio":"16:9"}'
  curl -s "${platform.url}/getJob?jobId=<jobId>" -H "Authorization: Bearer $TOKEN"
  curl -s ${platform.url}/getUsage -H "Authorization: Bearer $TOKEN"

ready: ${platform.url}`);

/**
 * The reference web app from `web/dist` (built now if missing), answering its config once the
 * platform's ports are known: until then `/platform-config.json` is the built-in default.
 */
async function startWebApp() {
  if (!existsSync(join(WEB_DIST, "index.html"))) {
    console.log("building the reference web app (web/dist)…");
    const vite = join(ROOT, "node_modules", "vite", "bin", "vite.js");
    const build = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
      cwd: join(ROOT, "web"),
      stdio: "inherit",
    });
    if (build.status !== 0) {
      console.error("could not build the web app; start without it with --no-web");
      process.exit(1);
    }
  }
  let config: WebAppConfig | undefined;
  const server = await startWebServer({ dir: WEB_DIST, port: webPort, config: () => config }).catch(
    (error: unknown) => {
      console.error(`could not serve the web app on port ${webPort}: ${String(error)}; use --web-port or --no-web`);
      process.exit(1);
    },
  );
  return {
    url: server.url,
    configure: (value: WebAppConfig) => {
      config = value;
    },
    close: () => server.close(),
  };
}
