// Deployed-style functions in one test process: each function gets exactly the environment infra
// would give it (functionEnvironment → loadRuntimeConfig → createServices), is served over HTTP on
// 127.0.0.1, and talks to the local parts — the Firestore emulator, the local Cloud Tasks, Vertex AI
// and Cloud Storage servers — through the production adapters. Tokens carry real signatures.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type FunctionName,
  getFunction,
  getQueue,
  platform,
  type QueueDefinition,
  type QueueName,
  type TierLimits,
} from "@genai-platform/definition";
import { functionEnvironment } from "@genai-platform/definition/function-env";
import { loadRuntimeConfig } from "@genai-platform/definition/runtime-config";
import { type AppCheckServer, startAppCheckServer } from "@genai-platform/local/app-check/app-check-server.ts";
import type { DispatchOutcome } from "@genai-platform/local/dispatcher/queue-dispatcher.ts";
import { type Gateway, startGateway } from "@genai-platform/local/platform/gateway.ts";
import { type StorageServer, startStorageServer } from "@genai-platform/local/storage/storage-server.ts";
import { startTasksServer, type TasksServer } from "@genai-platform/local/tasks/tasks-server.ts";
import {
  startVertexServer,
  type VertexServer,
  type VertexServerOptions,
} from "@genai-platform/local/vertex/vertex-server.ts";
import { type HttpFunction, http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { deleteApp, getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { vi } from "vitest";
import { type AccountLookup, FirebaseIdentityVerifier } from "../src/adapters/auth/firebase-identity-verifier.ts";
import { createServices, type Services } from "../src/composition/services.ts";
import { type TestFirestore, testFirestore } from "./firestore.ts";
import { type IdTokens, startIdTokens } from "./id-tokens.ts";

export type FunctionFactory = (services: Services) => HttpFunction;

export interface PlatformHarnessOptions {
  /** Usually the test file's path: names the Firestore project, so files never share data. */
  label: string;
  /** The functions to run, each built by its composition factory (e.g. `generateImageFunction`). */
  functions: Partial<Record<FunctionName, FunctionFactory>>;
  /**
   * Queue definitions the local Cloud Tasks server serves; default the definition's queues drained
   * by the functions given. Pass a variant (say, a shorter backoff) to run retries quickly.
   */
  queues?: QueueDefinition[];
  vertex?: VertexServerOptions;
  tierLimits?: TierLimits;
  /** The stack's global daily budget in USD (`DAILY_BUDGET_USD`); default unlimited. */
  dailyBudgetUsd?: number;
  webOrigins?: string[];
  signedUrlTtlSeconds?: number;
  /** Adjusts a function's services before its function is built (e.g. a shorter model deadline). */
  adjust?: (name: FunctionName, services: Services) => Services;
  onOutcome?: (outcome: DispatchOutcome) => void;
  /** A Firestore emulator of the test's own (`127.0.0.1:PORT`); default the run's shared one. */
  firestoreHost?: string;
  /**
   * Where tasks of queues no function given here drains are delivered (a recording server in the
   * test), so a function that enqueues onto them runs without their workers.
   */
  workerUrls?: Partial<Record<QueueName, string>>;
  /** App Check on the public functions, against the local App Check stand-in; default off. */
  appCheck?: { mode: "monitor" | "enforce"; consume?: boolean };
}

export interface PlatformHarness {
  fs: TestFirestore;
  tasks: TasksServer;
  vertex: VertexServer;
  storage: StorageServer;
  /** One base URL for all functions: `<baseUrl>/<functionName>`, like the local platform's gateway. */
  baseUrl: string;
  /** Each function's own URL (workers are called here by the tasks server). */
  urls: Partial<Record<FunctionName, string>>;
  services: Partial<Record<FunctionName, Services>>;
  tokens: IdTokens;
  /** The App Check stand-in (with `appCheck` only): mints tokens, counts consume calls. */
  appCheck: AppCheckServer | undefined;
  /**
   * The accounts behind the tokens, as the revocation check looks them up (Identity Toolkit cannot
   * run here; every account is active until a test disables or revokes it).
   */
  accounts: TestAccounts;
  bucket: string;
  region: string;
  stop(): Promise<void>;
}

export interface TestAccounts {
  disable(uid: string): void;
  /** Sessions signed in before `since` are revoked, as `revokeRefreshTokens` does. */
  revoke(uid: string, since?: Date): void;
  /** Account lookups made so far, per uid. */
  lookups(uid: string): number;
}

function testAccounts(): TestAccounts & { lookup: AccountLookup } {
  const state = new Map<string, { disabled: boolean; tokensValidAfterTime?: string }>();
  const counts = new Map<string, number>();
  return {
    disable: (uid) => state.set(uid, { ...state.get(uid), disabled: true }),
    revoke: (uid, since = new Date()) =>
      state.set(uid, { disabled: state.get(uid)?.disabled ?? false, tokensValidAfterTime: since.toUTCString() }),
    lookups: (uid) => counts.get(uid) ?? 0,
    async lookup(uid) {
      counts.set(uid, (counts.get(uid) ?? 0) + 1);
      return state.get(uid) ?? { disabled: false };
    },
  };
}

const REGION = "europe-west1";
/** The harness project's number: App Check tokens name it. */
export const HARNESS_PROJECT_NUMBER = "123456789012";
const BUCKET = "media-harness";

export async function startPlatformHarness(options: PlatformHarnessOptions): Promise<PlatformHarness> {
  const names = Object.keys(options.functions) as FunctionName[];
  const fs = testFirestore(options.label, options.firestoreHost);
  const storage = await startStorageServer();
  const vertex = await startVertexServer({ storageBaseUrl: storage.url, ...options.vertex });
  const drained = names.flatMap((name) => {
    const fn = getFunction(name);
    return fn.trigger === "task" ? fn.drains.map((q) => getQueue(q as QueueName)) : [];
  });
  const appCheck = options.appCheck
    ? await startAppCheckServer({ projectId: fs.projectId, projectNumber: HARNESS_PROJECT_NUMBER })
    : undefined;
  const tasks = await startTasksServer({
    project: fs.projectId,
    location: REGION,
    queues: options.queues ?? drained,
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  });

  // URLs first: a function that enqueues needs its worker's URL in its environment.
  const built: Partial<Record<FunctionName, HttpFunction>> = {};
  const servers: Server[] = [];
  const urls: Partial<Record<FunctionName, string>> = {};
  const registration = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  for (const name of names) {
    const registered = `${name}_${registration}`;
    http(registered, (req, res) => (built[name] as HttpFunction)(req, res));
    const server = getTestServer(registered).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    servers.push(server);
    urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }
  const workerUrls: Record<string, string> = { ...options.workerUrls };
  for (const name of names) {
    const fn = getFunction(name);
    if (fn.trigger === "task") for (const q of fn.drains) workerUrls[q] = urls[name] as string;
  }

  const services: Partial<Record<FunctionName, Services>> = {};
  for (const name of names) {
    const env = functionEnvironment(getFunction(name), {
      environment: "local",
      project: fs.projectId,
      region: REGION,
      models: platform.defaultModels,
      mediaBucket: BUCKET,
      tierLimits: options.tierLimits ?? platform.tiers,
      ...(options.dailyBudgetUsd !== undefined ? { dailyBudgetUsd: options.dailyBudgetUsd } : {}),
      webOrigins: options.webOrigins ?? [],
      tasksInvokerEmail: `tasks-invoker@${fs.projectId}.iam.gserviceaccount.com`,
      signedUrlTtlSeconds: options.signedUrlTtlSeconds ?? 900,
      workerUrls,
      ...(options.appCheck ? { appCheck: options.appCheck, projectNumber: HARNESS_PROJECT_NUMBER } : {}),
      local: {
        vertexBaseUrl: vertex.url,
        cloudTasksEndpoint: tasks.endpoint,
        storageEmulatorHost: storage.url,
        ...(appCheck ? { appCheckBaseUrl: appCheck.url } : {}),
      },
    });
    services[name] = createServices(loadRuntimeConfig(name, env));
  }

  // The certificate URL is intercepted only during one warm-up, and firebase-admin caches Google's
  // keys per app; so the HTTPS functions of this one process share the first one's verifier (the
  // same production code path), where each deployed function would fetch the keys itself.
  const https = names.filter((name) => getFunction(name).trigger === "https");
  const accounts = testAccounts();
  const first = https.length > 0 ? services[https[0] as FunctionName] : undefined;
  const identity = first
    ? new FirebaseIdentityVerifier(
        () =>
          getAuth(
            getApps().find((a) => a.name === first.config.functionName) ??
              initializeApp({ projectId: first.config.project }, first.config.functionName),
          ),
        { lookup: accounts.lookup },
      )
    : undefined;
  const tokens = await startIdTokens(fs.projectId, async (token) => identity?.verify(token));
  for (const name of names) {
    const shared = identity ? { ...(services[name] as Services), identity } : (services[name] as Services);
    const adjusted = options.adjust?.(name, shared) ?? shared;
    services[name] = adjusted;
    built[name] = (options.functions[name] as FunctionFactory)(adjusted);
  }
  await fs.clear();
  const gateway: Gateway = await startGateway(new Map(names.map((name) => [name, urls[name] as string])));

  return {
    fs,
    tasks,
    vertex,
    storage,
    baseUrl: gateway.url,
    urls,
    services,
    tokens,
    appCheck,
    accounts,
    bucket: BUCKET,
    region: REGION,
    async stop() {
      await tasks.stop();
      await vertex.stop();
      await storage.stop();
      await appCheck?.stop();
      await gateway.close();
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await Promise.all(
        getApps()
          .filter((app) => names.includes(app.name as FunctionName))
          .map((app) => deleteApp(app)),
      );
      await fs.close();
    },
  };
}

/**
 * Collects the structured log lines the functions write to stdout (Cloud Logging's JSON format,
 * one per line) and keeps them off the test output. Other output passes through.
 */
export function captureLogLines() {
  const lines: Array<Record<string, unknown>> = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    const parsed = text
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
    if (parsed.length === 0) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    lines.push(...parsed);
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write);
  return { lines, restore: () => spy.mockRestore() };
}
