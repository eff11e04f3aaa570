// Every model call the Vertex AI stand-in received, with when it started and how it ended, so a
// test can see a call in flight (and act while it is) and a benchmark can count calls per job.
import type { ServerResponse } from "node:http";

export interface ModelCall {
  /** Order of arrival, from 1. */
  seq: number;
  model: string;
  method: string;
  /** The user's prompt (Gemini: the last user text; Veo start: the prompt), or the polled operation. */
  subject: string;
  startedAt: number;
  /** Set once answered or abandoned; absent while the call is in flight. */
  endedAt?: number;
  /** The HTTP status answered, or `abandoned` when the caller went away first (a killed client). */
  outcome?: number | "abandoned";
}

interface Waiter {
  match: (call: ModelCall) => boolean;
  resolve: (call: ModelCall) => void;
}

export class CallLog {
  private readonly entries: ModelCall[] = [];
  private waiters: Waiter[] = [];
  private received = 0;

  /** Records a call now; its end is taken from the response closing (answered or reset). */
  record(model: string, method: string, subject: string, res: ServerResponse): ModelCall {
    const call: ModelCall = { seq: ++this.received, model, method, subject, startedAt: Date.now() };
    this.entries.push(call);
    res.once("close", () => {
      call.endedAt = Date.now();
      call.outcome = res.writableFinished ? res.statusCode : "abandoned";
    });
    const [ready, waiting] = partition(this.waiters, (w) => w.match(call));
    this.waiters = waiting;
    for (const waiter of ready) waiter.resolve(call);
    return call;
  }

  calls(): ModelCall[] {
    return this.entries.map((call) => ({ ...call }));
  }

  /** The first call matching `match`, already received or the next to arrive. */
  waitFor(match: (call: ModelCall) => boolean, timeoutMs = 60_000): Promise<ModelCall> {
    const seen = this.entries.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching model call within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  clear(): void {
    this.entries.length = 0;
  }
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
