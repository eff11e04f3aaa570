// Runs one function bundle in its own process (as an instance would run in Cloud Functions) with
// exactly the environment the platform hands it. The process can be killed and started again on
// the same port with the same environment, as Cloud Run replaces an instance that died.
import { fileURLToPath } from "node:url";
import { freePort } from "../firestore-emulator.ts";
import { ManagedProcess } from "../managed-process.ts";

const SERVE = fileURLToPath(new URL("./serve-function.ts", import.meta.url));

export interface HostedFunction {
  name: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The current process's group id (a restart gives a new one). */
  readonly pgid: number;
  /** The environment the process runs with (the same on every restart). */
  readonly env: Readonly<Record<string, string>>;
  /** SIGKILL to the process group: the instance dies mid-request, nothing shuts down cleanly. */
  kill(): Promise<void>;
  /** Kills the current process if it still runs, then starts a new one on the same port; resolves once it is ready. */
  restart(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the process group. */
  freeze(frozen: boolean): void;
  stop(): Promise<void>;
  recentOutput(): string;
}

export interface HostFunctionOptions {
  name: string;
  bundleIndex: string;
  env: Record<string, string>;
  port?: number;
  readyTimeoutMs?: number;
  onOutput?: (chunk: string) => void;
}

export async function hostFunction(options: HostFunctionOptions): Promise<HostedFunction> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let child = await startProcess(options, port, url);
  return {
    name: options.name,
    url,
    get pgid() {
      return child.pgid;
    },
    env: options.env,
    kill: () => child.kill(),
    restart: async () => {
      await child.kill();
      child = await startProcess(options, port, url);
    },
    freeze: (frozen) => child.freeze(frozen),
    stop: () => child.stop(),
    recentOutput: () => child.recentOutput,
  };
}

async function startProcess(options: HostFunctionOptions, port: number, url: string): Promise<ManagedProcess> {
  const child = new ManagedProcess(process.execPath, [SERVE, options.bundleIndex, options.name, String(port)], {
    label: `function ${options.name}`,
    env: options.env,
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  });
  try {
    // The host answers its readiness path once the function's module has loaded and it listens.
    await child.waitUntil(async () => {
      const answer = await fetch(`${url}/__host/ready`, { signal: AbortSignal.timeout(1_000) });
      return answer.status === 204;
    }, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}
