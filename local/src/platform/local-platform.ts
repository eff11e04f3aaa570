// The whole backend on one machine, no cloud account: the official Firestore emulator, the Firebase
// Auth emulator, local Cloud Tasks / Cloud Storage / Vertex AI servers speaking Google's wire
// formats, and every deployable bundle in its own process with exactly the environment infra would
// give it (plus the local endpoints). The public HTTPS functions sit behind one gateway URL.
import { join } from "node:path";
import {
  type FunctionDefinition,
  type FunctionName,
  platform,
  type QueueName,
  type TierLimits,
} from "@genai-platform/definition";
import { functionEnvironment } from "@genai-platform/definition/function-env";
import { bundleAll, DEFAULT_BUNDLE_ROOT } from "@genai-platform/functions/bundle";
import { AuthEmulator } from "../auth-emulator.ts";
import { FirestoreEmulator, freePort } from "../firestore-emulator.ts";
import { type StorageServer, startStorageServer } from "../storage/storage-server.ts";
import type { WorkerAuthPolicy } from "../tasks/local-oidc-token.ts";
import { startTasksServer, type TasksServer } from "../tasks/tasks-server.ts";
import { startVertexServer, type VertexServer } from "../vertex/vertex-server.ts";
import { type HostedFunction, hostFunction } from "./function-host.ts";
import { type Gateway, startGateway } from "./gateway.ts";

export interface LocalPlatformOptions {
  /** Project id for the emulators and functions; `demo-` ids never reach Google. Default `demo-genai-platform`. */
  projectId?: string;
  region?: string;
  /** Gateway port; default 0 (a free port). `npm start` defaults to 8080. */
  port?: number;
  /** Per-queue maxDispatchesPerSecond overrides (benchmarks, experiments). */
  rates?: Partial<Record<QueueName, number>>;
  /** The Vertex stand-in's requests-per-second quota; default unlimited. */
  vertexQuotaPerSecond?: number;
  /** Makes that quota a token bucket of this size (see startVertexServer). */
  vertexQuotaBurst?: number;
  /** Polls before a stand-in Veo operation completes; default 3. */
  vertexPollsUntilDone?: number;
  /**
   * `local` (default): the Vertex AI stand-in. `real`: the functions call Vertex AI with Application
   * Default Credentials (GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`)
   * in `projectId`, which must then be a real project with the Vertex AI API enabled.
   */
  vertex?: "local" | "real";
  /** Folder the local media store mirrors objects into; default memory only. */
  mediaDir?: string;
  tierLimits?: TierLimits;
  webOrigins?: string[];
  /** Where function and emulator log lines go; default dropped. */
  log?: (source: string, line: string) => void;
}

export interface LocalPlatform {
  /** URL of the worker draining each queue (reached by the local Cloud Tasks only). */
  workerUrls: Readonly<Record<string, string>>;
  /** Tier limits the functions enforce. */
  tierLimits: TierLimits;
  /** The gateway: `<url>/<functionName>` for every public function. */
  url: string;
  projectId: string;
  firestoreHost: string;
  authHost: string;
  mediaBucket: string;
  functions: ReadonlyMap<FunctionName, HostedFunction>;
  tasks: TasksServer;
  vertex: VertexServer | undefined;
  storage: StorageServer;
  auth: AuthEmulator;
  /** A Firebase ID token for `uid` from the Auth emulator (creates the account). */
  idToken(uid: string): Promise<string>;
  stop(): Promise<void>;
}

const LOCAL_INVOKER = "tasks-invoker@local.iam.gserviceaccount.com";

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const projectId = options.projectId ?? "demo-genai-platform";
  const region = options.region ?? "us-central1";
  const mediaBucket = `${projectId}-media`;
  const log = options.log ?? (() => {});
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    // Reverse start order: the gateway and functions go before the servers they call.
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => {});
  };

  try {
    const [firestore, auth, storage, bundles] = await Promise.all([
      FirestoreEmulator.start({ rulesPath: join(repoRoot(), "firestore.rules") }).then((e) => {
        stoppers.push(() => e.stop());
        return e;
      }),
      AuthEmulator.start({ projectId }).then((e) => {
        stoppers.push(() => e.stop());
        return e;
      }),
      startStorageServer(options.mediaDir ? { dir: options.mediaDir } : {}).then((s) => {
        stoppers.push(() => s.stop());
        return s;
      }),
      bundleAll(platform.functions, DEFAULT_BUNDLE_ROOT),
    ]);
    const vertex =
      options.vertex === "real"
        ? undefined
        : await startVertexServer({
            storageBaseUrl: storage.url,
            ...(options.vertexQuotaPerSecond ? { quotaPerSecond: options.vertexQuotaPerSecond } : {}),
            ...(options.vertexQuotaBurst ? { quotaBurst: options.vertexQuotaBurst } : {}),
            ...(options.vertexPollsUntilDone ? { pollsUntilDone: options.vertexPollsUntilDone } : {}),
          });
    if (vertex) stoppers.push(() => vertex.stop());
    const tasks = await startTasksServer({
      project: projectId,
      location: region,
      queues: platform.queues,
      ...(options.rates ? { rates: options.rates } : {}),
    });
    stoppers.push(() => tasks.stop());

    // Ports first: the workers' URLs go into the environment of the functions that enqueue to them.
    const ports = new Map<FunctionName, number>();
    for (const fn of platform.functions) ports.set(fn.name, await freePort());
    const urlOf = (name: FunctionName) => `http://127.0.0.1:${ports.get(name)}/`;
    const workerUrls: Record<string, string> = {};
    for (const fn of platform.functions) {
      if (fn.trigger === "task") for (const queue of fn.drains) workerUrls[queue] = urlOf(fn.name);
    }

    const functions = new Map<FunctionName, HostedFunction>();
    await Promise.all(
      platform.functions.map(async (fn) => {
        const bundle = bundles.find((b) => b.name === fn.name);
        if (!bundle) throw new Error(`no bundle for ${fn.name}`);
        const env = localFunctionEnvironment(fn, {
          projectId,
          region,
          mediaBucket,
          tierLimits: options.tierLimits ?? platform.tiers,
          webOrigins: options.webOrigins ?? ["http://localhost:5173", "http://127.0.0.1:5173"],
          workerUrls,
          tasksEndpoint: tasks.endpoint,
          storageUrl: storage.url,
          ...(vertex ? { vertexUrl: vertex.url } : {}),
          firestoreHost: firestore.host,
          authHost: auth.host,
          realVertex: options.vertex === "real",
        });
        if (fn.trigger === "task") {
          // The host checks each delivery as Cloud Run does for an internal service: the local
          // Cloud Tasks' signature, the worker's own URL as audience, the tasks invoker as caller.
          const policy: WorkerAuthPolicy = {
            publicJwk: tasks.oidcPublicJwk,
            audience: urlOf(fn.name),
            invokerEmail: LOCAL_INVOKER,
          };
          env.WORKER_AUTH = JSON.stringify(policy);
        }
        const hosted = await hostFunction({
          name: fn.name,
          bundleIndex: join(bundle.outDir, "index.js"),
          port: ports.get(fn.name) ?? 0,
          env,
          onOutput: (chunk) => {
            for (const line of chunk.split("\n")) if (line.trim()) log(fn.name, line);
          },
        });
        stoppers.push(() => hosted.stop());
        functions.set(fn.name, hosted);
      }),
    );

    // Only public functions are routed; workers are reachable by the local Cloud Tasks only.
    const routes = new Map<string, string>();
    for (const fn of platform.functions) if (fn.trigger === "https") routes.set(fn.name, urlOf(fn.name));
    const gateway: Gateway = await startGateway(routes, options.port ?? 0);
    stoppers.push(() => gateway.close());

    return {
      url: gateway.url,
      projectId,
      firestoreHost: firestore.host,
      authHost: auth.host,
      mediaBucket,
      workerUrls,
      tierLimits: options.tierLimits ?? platform.tiers,
      functions,
      tasks,
      vertex,
      storage,
      auth,
      idToken: (uid) => auth.idToken(uid),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export interface LocalParts {
  projectId: string;
  region: string;
  mediaBucket: string;
  tierLimits: TierLimits;
  webOrigins: readonly string[];
  workerUrls: Readonly<Record<string, string>>;
  tasksEndpoint: string;
  storageUrl: string;
  /** Unset: the functions call the real Vertex AI. */
  vertexUrl?: string;
  firestoreHost: string;
  authHost: string;
  realVertex?: boolean;
}

/**
 * The complete environment of a local function process: exactly what infra would set (the same
 * functionEnvironment), the local endpoints, and the emulator variables the Firebase SDKs read.
 */
export function localFunctionEnvironment(fn: FunctionDefinition, parts: LocalParts): Record<string, string> {
  return {
    ...baseEnvironment(parts.realVertex === true),
    ...functionEnvironment<string>(fn, {
      environment: "local",
      project: parts.projectId,
      region: parts.region,
      models: platform.defaultModels,
      mediaBucket: parts.mediaBucket,
      tierLimits: parts.tierLimits,
      webOrigins: parts.webOrigins,
      tasksInvokerEmail: LOCAL_INVOKER,
      signedUrlTtlSeconds: 900,
      workerUrls: parts.workerUrls,
      local: {
        cloudTasksEndpoint: parts.tasksEndpoint,
        storageEmulatorHost: parts.storageUrl,
        ...(parts.vertexUrl ? { vertexBaseUrl: parts.vertexUrl } : {}),
      },
    }),
    FIRESTORE_EMULATOR_HOST: parts.firestoreHost,
    FIREBASE_AUTH_EMULATOR_HOST: parts.authHost,
  };
}

/** What a function process inherits: PATH and HOME only, plus credentials for real Vertex AI. */
function baseEnvironment(realVertex: boolean): Record<string, string> {
  const env: Record<string, string> = { NODE_ENV: "production" };
  for (const key of ["PATH", "HOME", "TZ"]) if (process.env[key]) env[key] = process.env[key] as string;
  if (realVertex) {
    for (const key of ["GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG"]) {
      if (process.env[key]) env[key] = process.env[key] as string;
    }
  } else {
    // Nothing to discover: keeps Google libraries from probing the metadata server.
    env.METADATA_SERVER_DETECTION = "none";
  }
  return env;
}

function repoRoot(): string {
  return new URL("../../../", import.meta.url).pathname;
}
