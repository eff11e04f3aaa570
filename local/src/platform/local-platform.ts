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
import type { AppCheckMode } from "@genai-platform/definition/runtime-config";
import { bundleAll, DEFAULT_BUNDLE_ROOT } from "@genai-platform/functions/bundle";
import { type AppCheckServer, startAppCheckServer } from "../app-check/app-check-server.ts";
import { AuthEmulator } from "../auth-emulator.ts";
import { FirestoreEmulator, freePort } from "../firestore-emulator.ts";
import { type LocalScheduler, startLocalScheduler } from "../scheduler/local-scheduler.ts";
import { type StorageServer, startStorageServer } from "../storage/storage-server.ts";
import { createLocalOidcIssuer, type LocalOidcIssuer, type WorkerAuthPolicy } from "../tasks/local-oidc-token.ts";
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
  /** The App Check stand-in. */
  appCheck: number;
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
  appCheck: 8705,
  functions: 8710,
};

export const FREE_PORTS: PlatformPorts = {
  gateway: 0,
  firestore: 0,
  auth: 0,
  tasks: 0,
  storage: 0,
  vertex: 0,
  appCheck: 0,
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
  /** The global daily budget in USD the functions reserve against (`DAILY_BUDGET_USD`); default unlimited. */
  dailyBudgetUsd?: number;
  /** Origins the functions and the media bucket answer CORS for; default the Vite dev server's. */
  webOrigins?: string[];
  /** Where function and emulator log lines go; default dropped. */
  log?: (source: string, line: string) => void;
  /**
   * Runs the scheduled sweeper every this many milliseconds, as Cloud Scheduler does on the
   * definition's schedule (`npm start` passes `sweeper.intervalSeconds`). Default 0: only `sweep()`.
   */
  sweepIntervalMs?: number;
  /**
   * App Check on the public functions, verified against the local stand-in on the production code
   * path. Default `monitor`: every request is checked and a failure logged, none refused.
   */
  appCheck?: { mode: AppCheckMode; consume?: boolean };
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
  /** The global daily budget the functions enforce, in USD; absent: none. */
  dailyBudgetUsd?: number;
  /** Origins allowed by CORS (functions and media bucket). */
  webOrigins: readonly string[];
  signedUrlTtlSeconds: number;
  /** Every part's bound port. */
  ports: PlatformPorts;
  /** The gateway: `<url>/<functionName>` for every public function. */
  url: string;
  projectId: string;
  /** The location the local Cloud Tasks queues (and the functions) live in. */
  region: string;
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
  /** The App Check stand-in: its debug secret exchanges for tokens (`npm run token -- --app-check`). */
  appCheck: AppCheckServer;
  /** The project number App Check tokens name. */
  projectNumber: string;
  /** SIGKILLs a hosted function's process group and starts it again on the same port and environment. */
  restartFunction(name: FunctionName): Promise<void>;
  /**
   * A Firestore outage: the emulator is stopped (SIGKILL) and, after `downMs`, started again on the
   * same port with every document it held. Resolves once it answers again.
   */
  restartFirestore(options?: { downMs?: number }): Promise<void>;
  /** A Firebase ID token for `uid` from the Auth emulator (creates the account). */
  idToken(uid: string): Promise<string>;
  /** One sweeper run now, called as Cloud Scheduler calls it; resolves with its report. */
  sweep(): Promise<unknown>;
  /** The identity the local scheduler calls the sweeper as (the only one the host lets through). */
  schedulerEmail: string;
  /** The one local OIDC signer (local Cloud Tasks and the scheduler); tests mint tokens with it. */
  oidcIssuer: LocalOidcIssuer;
  /** Writes emulator state into `dataDir` (no-op without one); `stop()` does it too. */
  save(): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_WEB_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"];

const LOCAL_INVOKER = "tasks-invoker@local.iam.gserviceaccount.com";
const LOCAL_SCHEDULER = "sweep-scheduler@local.iam.gserviceaccount.com";
/** The local project's number: App Check tokens are issued for it. No real project has it. */
export const LOCAL_PROJECT_NUMBER = "000000000000";
/** Time for requests already on their way to the emulator to land before it is exported. */
const SETTLE_MS = 300;

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
    // One signer for every local OIDC token, as Google signs both Cloud Tasks' and Cloud
    // Scheduler's: the function host verifies either with the same public key.
    const issuer = await createLocalOidcIssuer();
    const appCheck = await startAppCheckServer({
      projectId,
      projectNumber: LOCAL_PROJECT_NUMBER,
      port: wanted.appCheck,
    });
    stoppers.push(() => appCheck.stop());
    const tasks = await startTasksServer({
      issuer,
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
          ...(options.dailyBudgetUsd !== undefined ? { dailyBudgetUsd: options.dailyBudgetUsd } : {}),
          webOrigins,
          signedUrlTtlSeconds,
          workerUrls,
          tasksEndpoint: tasks.endpoint,
          storageUrl: storage.url,
          ...(vertex ? { vertexUrl: vertex.url } : {}),
          firestoreHost: firestore.host,
          authHost: auth.host,
          realVertex: options.vertex === "real",
          appCheck: options.appCheck ?? { mode: "monitor" },
          appCheckUrl: appCheck.url,
        });
        if (fn.trigger !== "https") {
          // The host checks each call as Cloud Run does for an internal service: the local signer's
          // signature, the function's own URL as audience, and its one invoker as caller (the
          // tasks invoker for a worker, the scheduler identity for the sweeper).
          const policy: WorkerAuthPolicy = {
            publicJwk: tasks.oidcPublicJwk,
            audience: urlOf(fn.name),
            invokerEmail: fn.trigger === "task" ? LOCAL_INVOKER : LOCAL_SCHEDULER,
          };
          env.WORKER_AUTH = JSON.stringify(policy);
        }
        const count = fn.trigger === "https" ? Math.min(instanceCount, fn.maxInstances) : 1;
        const hosted = await Promise.all(
          Array.from({ length: count }, async (_, i) => {
            const instance = await hostFunction({
              name: fn.name,
              bundleIndex: join(bundle.outDir, bundle.main),
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
    const concurrency = new Map(platform.functions.map((fn) => [fn.name, fn.concurrency]));
    const gateway: Gateway = await startGateway(routes, { port: wanted.gateway, concurrency });
    stoppers.push(() => gateway.close());

    const scheduled = platform.functions.find((f) => f.trigger === "schedule");
    const scheduler: LocalScheduler | undefined = scheduled
      ? startLocalScheduler({
          url: urlOf(scheduled.name),
          email: LOCAL_SCHEDULER,
          issuer,
          intervalMs: options.sweepIntervalMs ?? 0,
          log: (line) => log("scheduler", `${scheduled.name} ${line}`),
        })
      : undefined;
    // Stopped first (stoppers run in reverse): no run starts against a function going away.
    if (scheduler) stoppers.push(() => scheduler.stop());

    const save = async () => {
      if (!data) return;
      await firestore.export(data.firestore, projectId);
      await auth.export(data.auth);
    };
    const restartFirestore = async ({ downMs = 0 } = {}) => {
      // The documents go out through an export, so nothing may write while it runs: every function
      // is frozen (as in a long GC pause) from just before the export until the emulator is gone.
      // Writes already sent finish first; none is lost, as none would be in a real outage.
      const hosted = [...instances.values()].flat();
      for (const fn of hosted) fn.freeze(true);
      try {
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        await firestore.stopKeepingData(projectId);
      } finally {
        for (const fn of hosted) fn.freeze(false);
      }
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await firestore.startAgain();
    };
    const restartFunction = async (name: FunctionName) => {
      const fn = functions.get(name);
      if (!fn) throw new Error(`no hosted function ${name}`);
      await fn.restart();
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
        appCheck: portOf(appCheck.url),
        functions: Math.min(...ports.values()),
      },
      url: gateway.url,
      projectId,
      region,
      firestoreHost: firestore.host,
      authHost: auth.host,
      mediaBucket,
      workerUrls,
      tierLimits,
      ...(options.dailyBudgetUsd !== undefined ? { dailyBudgetUsd: options.dailyBudgetUsd } : {}),
      functions,
      instances,
      tasks,
      vertex,
      storage,
      auth,
      appCheck,
      projectNumber: LOCAL_PROJECT_NUMBER,
      restartFunction,
      restartFirestore,
      idToken: (uid) => auth.idToken(uid),
      sweep: () => {
        if (!scheduler) return Promise.reject(new Error("the definition schedules no function"));
        return scheduler.run();
      },
      schedulerEmail: LOCAL_SCHEDULER,
      oidcIssuer: issuer,
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
  /** Default unlimited. */
  dailyBudgetUsd?: number;
  webOrigins: readonly string[];
  workerUrls: Readonly<Record<string, string>>;
  tasksEndpoint: string;
  storageUrl: string;
  /** Unset: the functions call the real Vertex AI. */
  vertexUrl?: string;
  firestoreHost: string;
  authHost: string;
  realVertex?: boolean;
  /** App Check mode of the public functions; default off. */
  appCheck?: { mode: AppCheckMode; consume?: boolean };
  /** The App Check stand-in's base URL (APP_CHECK_BASE_URL). */
  appCheckUrl?: string;
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
      ...(parts.dailyBudgetUsd !== undefined ? { dailyBudgetUsd: parts.dailyBudgetUsd } : {}),
      webOrigins: parts.webOrigins,
      tasksInvokerEmail: LOCAL_INVOKER,
      signedUrlTtlSeconds: parts.signedUrlTtlSeconds ?? 900,
      workerUrls: parts.workerUrls,
      ...(parts.appCheck ? { appCheck: parts.appCheck, projectNumber: LOCAL_PROJECT_NUMBER } : {}),
      local: {
        ...(parts.appCheckUrl ? { appCheckBaseUrl: parts.appCheckUrl } : {}),
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
