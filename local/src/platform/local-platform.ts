// The whole backend on one machine, no cloud account: the official Firestore emulator, the Firebase
// Auth emulator, local Cloud Tasks / Cloud Storage / Vertex AI servers speaking Google's wire
// formats, and every deployable bundle in its own process with exactly the environment infra would
// give it (plus the local endpoints). The public HTTPS functions sit behind one gateway URL.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  type FunctionDefinition,
  type FunctionName,
  mediaBucketCors,
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

/** Where each part listens on 127.0.0.1; 0 picks a free port. */
export interface PlatformPorts {
  gateway: number;
  firestore: number;
  auth: number;
  tasks: number;
  storage: number;
  vertex: number;
  /** The first function's port; the others follow in the definition's order. */
  functions: number;
}

/**
 * `npm start`'s fixed ports. Firestore and Auth keep the Firebase Emulator Suite's defaults, so
 * `connectFirestoreEmulator(db, "127.0.0.1", 8080)` and `connectAuthEmulator(auth,
 * "http://127.0.0.1:9099")` work as a Firebase developer expects; the gateway and the stand-ins sit
 * on 8700+, clear of every port the Suite uses (4000, 4400, 4500, 5000, 5001, 8080, 8085, 9000,
 * 9099, 9199, 9299).
 */
export const DEFAULT_PORTS: PlatformPorts = {
  gateway: 8700,
  firestore: 8080,
  auth: 9099,
  tasks: 8701,
  storage: 8702,
  vertex: 8703,
  functions: 8710,
};

export const FREE_PORTS: PlatformPorts = {
  gateway: 0,
  firestore: 0,
  auth: 0,
  tasks: 0,
  storage: 0,
  vertex: 0,
  functions: 0,
};

export interface LocalPlatformOptions {
  /** Project id for the emulators and functions; `demo-` ids never reach Google. Default `demo-genai-platform`. */
  projectId?: string;
  region?: string;
  /** Gateway port; default 0 (a free port). Same as `ports.gateway`. */
  port?: number;
  /** Every part's port; default all free (tests). `npm start` uses DEFAULT_PORTS. */
  ports?: Partial<PlatformPorts>;
  /**
   * Keeps emulator state here across restarts: loaded at start, written by `stop()` (Firestore
   * through the emulator's own export, Auth accounts as `firebase emulators:export` writes them,
   * media in the storage mirror).
   */
  dataDir?: string;
  /** Lifetime of the signed URLs getJob hands out; default 900 s. */
  signedUrlTtlSeconds?: number;
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
  /** Origins the functions and the media bucket answer CORS for; default the Vite dev server's. */
  webOrigins?: string[];
  /** Where function and emulator log lines go; default dropped. */
  log?: (source: string, line: string) => void;
  /**
   * Processes per public function behind the gateway, as Cloud Run scales a service out to
   * several instances under load (up to the definition's maxInstances); default 1. Workers keep
   * one process each: their queues' rates, not instances, bound them.
   */
  instances?: number;
}

export interface LocalPlatform {
  /** URL of the worker draining each queue (reached by the local Cloud Tasks only). */
  workerUrls: Readonly<Record<string, string>>;
  /** Tier limits the functions enforce. */
  tierLimits: TierLimits;
  /** Origins allowed by CORS (functions and media bucket). */
  webOrigins: readonly string[];
  signedUrlTtlSeconds: number;
  /** Every part's bound port. */
  ports: PlatformPorts;
  /** The gateway: `<url>/<functionName>` for every public function. */
  url: string;
  projectId: string;
  firestoreHost: string;
  authHost: string;
  mediaBucket: string;
  /** The first (with `instances: 1`, the only) process of each function. */
  functions: ReadonlyMap<FunctionName, HostedFunction>;
  /** Every process of each function, in the order the gateway takes them. */
  instances: ReadonlyMap<FunctionName, readonly HostedFunction[]>;
  tasks: TasksServer;
  vertex: VertexServer | undefined;
  storage: StorageServer;
  auth: AuthEmulator;
  /** A Firebase ID token for `uid` from the Auth emulator (creates the account). */
  idToken(uid: string): Promise<string>;
  /** Writes emulator state into `dataDir` (no-op without one); `stop()` does it too. */
  save(): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_WEB_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"];

const LOCAL_INVOKER = "tasks-invoker@local.iam.gserviceaccount.com";

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const projectId = options.projectId ?? "demo-genai-platform";
  const region = options.region ?? "us-central1";
  const mediaBucket = `${projectId}-media`;
  const log = options.log ?? (() => {});
  const wanted: PlatformPorts = {
    ...FREE_PORTS,
    ...options.ports,
    ...(options.port !== undefined ? { gateway: options.port } : {}),
  };
  const webOrigins = options.webOrigins ?? DEFAULT_WEB_ORIGINS;
  const tierLimits = options.tierLimits ?? platform.tiers;
  const signedUrlTtlSeconds = options.signedUrlTtlSeconds ?? 900;
  const data = options.dataDir
    ? {
        firestore: join(options.dataDir, "firestore"),
        auth: join(options.dataDir, "auth"),
        media: join(options.dataDir, "media"),
      }
    : undefined;
  if (data) await mkdir(data.media, { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    // Reverse start order: the gateway and functions go before the servers they call.
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => {});
  };

  try {
    const [firestore, auth, storage, bundles] = await Promise.all([
      FirestoreEmulator.start({
        rulesPath: join(repoRoot(), "firestore.rules"),
        port: wanted.firestore,
        ...(data ? { importFrom: data.firestore } : {}),
      }).then((e) => {
        stoppers.push(() => e.stop());
        return e;
      }),
      AuthEmulator.start({ projectId, port: wanted.auth, ...(data ? { importFrom: data.auth } : {}) }).then((e) => {
        stoppers.push(() => e.stop());
        return e;
      }),
      startStorageServer({
        port: wanted.storage,
        cors: { [mediaBucket]: mediaBucketCors(webOrigins) },
        ...(data ? { dir: data.media, loadDir: true } : options.mediaDir ? { dir: options.mediaDir } : {}),
      }).then((s) => {
        stoppers.push(() => s.stop());
        return s;
      }),
      bundleAll(platform.functions, DEFAULT_BUNDLE_ROOT),
    ]);
    const vertex =
      options.vertex === "real"
        ? undefined
        : await startVertexServer({
            port: wanted.vertex,
            storageBaseUrl: storage.url,
            ...(options.vertexQuotaPerSecond ? { quotaPerSecond: options.vertexQuotaPerSecond } : {}),
            ...(options.vertexQuotaBurst ? { quotaBurst: options.vertexQuotaBurst } : {}),
            ...(options.vertexPollsUntilDone ? { pollsUntilDone: options.vertexPollsUntilDone } : {}),
          });
    if (vertex) stoppers.push(() => vertex.stop());
    const tasks = await startTasksServer({
      port: wanted.tasks,
      project: projectId,
      location: region,
      queues: platform.queues,
      ...(options.rates ? { rates: options.rates } : {}),
    });
    stoppers.push(() => tasks.stop());

    // Ports first: the workers' URLs go into the environment of the functions that enqueue to them.
    const ports = new Map<FunctionName, number>();
    for (const [i, fn] of platform.functions.entries()) {
      ports.set(fn.name, wanted.functions === 0 ? await freePort() : wanted.functions + i);
    }
    const urlOf = (name: FunctionName) => `http://127.0.0.1:${ports.get(name)}/`;
    const workerUrls: Record<string, string> = {};
    for (const fn of platform.functions) {
      if (fn.trigger === "task") for (const queue of fn.drains) workerUrls[queue] = urlOf(fn.name);
    }

    const instanceCount = options.instances ?? 1;
    if (!Number.isInteger(instanceCount) || instanceCount < 1) {
      throw new Error(`instances must be a positive integer, got ${instanceCount}`);
    }
    const functions = new Map<FunctionName, HostedFunction>();
    const instances = new Map<FunctionName, HostedFunction[]>();
    await Promise.all(
      platform.functions.map(async (fn) => {
        const bundle = bundles.find((b) => b.name === fn.name);
        if (!bundle) throw new Error(`no bundle for ${fn.name}`);
        const env = localFunctionEnvironment(fn, {
          projectId,
          region,
          mediaBucket,
          tierLimits,
          webOrigins,
          signedUrlTtlSeconds,
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
        const count = fn.trigger === "https" ? Math.min(instanceCount, fn.maxInstances) : 1;
        const hosted = await Promise.all(
          Array.from({ length: count }, async (_, i) => {
            const instance = await hostFunction({
              name: fn.name,
              bundleIndex: join(bundle.outDir, "index.js"),
              port: i === 0 ? (ports.get(fn.name) ?? 0) : await freePort(),
              env,
              onOutput: (chunk) => {
                const source = count === 1 ? fn.name : `${fn.name}#${i + 1}`;
                for (const line of chunk.split("\n")) if (line.trim()) log(source, line);
              },
            });
            stoppers.push(() => instance.stop());
            return instance;
          }),
        );
        instances.set(fn.name, hosted);
        functions.set(fn.name, hosted[0] as HostedFunction);
      }),
    );

    // Only public functions are routed; workers are reachable by the local Cloud Tasks only.
    const routes = new Map<string, string[]>();
    for (const fn of platform.functions) {
      if (fn.trigger === "https")
        routes.set(
          fn.name,
          (instances.get(fn.name) ?? []).map((f) => `${f.url}/`),
        );
    }
    const gateway: Gateway = await startGateway(routes, wanted.gateway);
    stoppers.push(() => gateway.close());

    const save = async () => {
      if (!data) return;
      await firestore.export(data.firestore, projectId);
      await auth.export(data.auth);
    };
    const portOf = (hostOrUrl: string) =>
      Number(new URL(hostOrUrl.includes("//") ? hostOrUrl : `http://${hostOrUrl}`).port);

    return {
      webOrigins,
      signedUrlTtlSeconds,
      ports: {
        gateway: portOf(gateway.url),
        firestore: portOf(firestore.host),
        auth: portOf(auth.host),
        tasks: portOf(tasks.endpoint),
        storage: portOf(storage.url),
        vertex: vertex ? portOf(vertex.url) : 0,
        functions: Math.min(...ports.values()),
      },
      url: gateway.url,
      projectId,
      firestoreHost: firestore.host,
      authHost: auth.host,
      mediaBucket,
      workerUrls,
      tierLimits,
      functions,
      instances,
      tasks,
      vertex,
      storage,
      auth,
      idToken: (uid) => auth.idToken(uid),
      save,
      stop: async () => {
        // State is written before anything stops, while both emulators still answer.
        await save().catch((error: unknown) =>
          log("platform", `could not save the emulators' state: ${String(error)}`),
        );
        await stopAll();
      },
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
  /** Default 900 s. */
  signedUrlTtlSeconds?: number;
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
      signedUrlTtlSeconds: parts.signedUrlTtlSeconds ?? 900,
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
