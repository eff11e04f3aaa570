// Runs one function bundle in its own process (as an instance would run in Cloud Functions) with
// exactly the environment the platform hands it.
import { fileURLToPath } from "node:url";
import { freePort } from "../firestore-emulator.ts";
import { ManagedProcess } from "../managed-process.ts";

const SERVE = fileURLToPath(new URL("./serve-function.ts", import.meta.url));

export interface HostedFunction {
  name: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  pgid: number;
  stop(): Promise<void>;
  recentOutput(): string;
}

export async function hostFunction(options: {
  name: string;
  bundleIndex: string;
  env: Record<string, string>;
  port?: number;
  readyTimeoutMs?: number;
  onOutput?: (chunk: string) => void;
}): Promise<HostedFunction> {
  const port = options.port ?? (await freePort());
  const child = new ManagedProcess(process.execPath, [SERVE, options.bundleIndex, options.name, String(port)], {
    label: `function ${options.name}`,
    env: options.env,
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
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
  return {
    name: options.name,
    url,
    pgid: child.pgid,
    stop: () => child.stop(),
    recentOutput: () => child.recentOutput,
  };
}
