// The herd's callers, each through the typed client with its retries under one Idempotency-Key, run
// in a worker thread: the bench's main thread also hosts the gateway and the Cloud Tasks and Vertex
// stand-ins, and 1,000 clients on its event loop delayed them (p99 loop delay 322 ms, max 1.4 s,
// with CreateTask answers late enough to fail enqueues) — a cost of the bench, not of the platform.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { ClientError, createGenAiClient } from "@genai-platform/client";

/** One group of callers fired together, e.g. the Pro user's burst, then the herd. */
export interface CallerGroup {
  name: string;
  callers: Array<{ token: string; prompt: string }>;
}

export interface Admission {
  jobId?: string;
  code?: string;
}

export interface GroupOutcome {
  answers: Admission[];
  /** Every non-2xx answer any attempt received, by the error body's code (NETWORK_ERROR: no answer). */
  refusals: Record<string, number>;
  /** The same refusals by code and message: which service answered what. */
  causes: Record<string, number>;
  /** Callers whose very first attempt was admitted (no retry needed). */
  admittedFirst: number;
  /** Milliseconds from firing to the group's first admission. */
  firstAdmittedMs?: number;
}

export interface FiredHerd {
  /** Wall-clock ms when the first request left (job timestamps are measured from it). */
  firedAt: number;
  groups: Record<string, GroupOutcome>;
}

/** Fires every group's callers at once from a worker thread and answers how each ended. */
export function fireInWorker(baseUrl: string, groups: CallerGroup[]): Promise<FiredHerd> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { herdCallers: { baseUrl, groups } } });
    worker.once("message", (fired: FiredHerd) => resolve(fired));
    worker.once("error", reject);
    // After the answer this changes nothing; before it, the callers died without one.
    worker.once("exit", (code) => reject(new Error(`the herd's callers stopped (exit code ${code}) before answering`)));
  });
}

/** What every attempt of one group's callers was answered, seen from below the typed client. */
class AttemptLog {
  readonly refusals: Record<string, number> = {};
  readonly causes: Record<string, number> = {};
  private readonly firstStatus = new Map<number, number>();

  /** A fetch for caller `caller` that records each attempt's answer, then hands it on unchanged. */
  fetchFor(caller: number): typeof fetch {
    return async (input, init) => {
      let response: Response;
      try {
        response = await fetch(input, init);
      } catch (error) {
        this.count("NETWORK_ERROR", "");
        throw error;
      }
      if (!this.firstStatus.has(caller)) this.firstStatus.set(caller, response.status);
      if (!response.ok) {
        const body = (await response
          .clone()
          .json()
          .catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
        this.count(body?.error?.code ?? `HTTP_${response.status}`, body?.error?.message ?? "");
      }
      return response;
    };
  }

  admittedFirst(callers: number): number {
    let n = 0;
    for (let caller = 0; caller < callers; caller++) if (this.firstStatus.get(caller) === 202) n++;
    return n;
  }

  private count(code: string, message: string): void {
    this.refusals[code] = (this.refusals[code] ?? 0) + 1;
    const cause = `${code}: ${message}`;
    this.causes[cause] = (this.causes[cause] ?? 0) + 1;
  }
}

async function fire(baseUrl: string, groups: CallerGroup[]): Promise<FiredHerd> {
  const firedAt = Date.now();
  // Groups leave in the order given: the first is the worst case for everyone behind it in the queue.
  const running = groups.map(async (group) => {
    const log = new AttemptLog();
    let firstAdmittedMs: number | undefined;
    const answers = await Promise.all(
      group.callers.map(async ({ token, prompt }, caller): Promise<Admission> => {
        const client = createGenAiClient({ baseUrl, getIdToken: async () => token, fetch: log.fetchFor(caller) });
        try {
          const admitted = await client.generateImage({ prompt, aspectRatio: "1:1" });
          firstAdmittedMs ??= Date.now() - firedAt;
          return { jobId: admitted.jobId };
        } catch (error) {
          return { code: error instanceof ClientError ? error.code : "UNKNOWN" };
        }
      }),
    );
    const outcome: GroupOutcome = {
      answers,
      refusals: log.refusals,
      causes: log.causes,
      admittedFirst: log.admittedFirst(group.callers.length),
      ...(firstAdmittedMs === undefined ? {} : { firstAdmittedMs }),
    };
    return [group.name, outcome] as const;
  });
  return { firedAt, groups: Object.fromEntries(await Promise.all(running)) };
}

if (!isMainThread && (workerData as { herdCallers?: unknown } | undefined)?.herdCallers) {
  const { baseUrl, groups } = (workerData as { herdCallers: { baseUrl: string; groups: CallerGroup[] } }).herdCallers;
  parentPort?.postMessage(await fire(baseUrl, groups));
}
