import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { QueueDefinition } from "@genai-platform/definition";
import { afterEach, describe, expect, it } from "vitest";
import { type DispatchOutcome, QueueDispatcher } from "./queue-dispatcher.ts";

interface Arrival {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A worker on 127.0.0.1 that records arrivals and answers with `status(arrivalIndex)`. */
async function worker(status: (n: number) => number, holdMs = 0) {
  const arrivals: Arrival[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      const n = arrivals.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString() }) - 1;
      setTimeout(() => {
        concurrent--;
        res.writeHead(status(n)).end();
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, arrivals, maxConcurrent: () => maxConcurrent, close: () => new Promise((r) => server.close(r)) };
}

function queue(overrides: Partial<QueueDefinition> = {}): QueueDefinition {
  return {
    name: "test-jobs",
    description: "test",
    maxDispatchesPerSecond: 500,
    maxBurstSize: 500,
    maxConcurrentDispatches: 100,
    retry: { maxAttempts: 3, minBackoff: "0.02s", maxBackoff: "0.05s", maxDoublings: 1 },
    ...overrides,
  };
}

const taskName = (id: string) => `projects/p/locations/l/queues/test-jobs/tasks/${id}`;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("the local queue dispatcher", () => {
  it("delivers the body with Cloud Tasks' headers", async () => {
    const w = await worker(() => 200);
    cleanups.push(w.close);
    const dispatcher = new QueueDispatcher({ queue: queue() });
    const eta = new Date();
    dispatcher.add({ name: taskName("job-1"), url: w.url, body: Buffer.from('{"jobId":"job-1"}'), scheduleTime: eta });
    await dispatcher.idle();
    expect(w.arrivals).toHaveLength(1);
    expect(w.arrivals[0]?.body).toBe('{"jobId":"job-1"}');
    expect(w.arrivals[0]?.headers).toMatchObject({
      "x-cloudtasks-queuename": "test-jobs",
      "x-cloudtasks-taskname": "job-1",
      "x-cloudtasks-taskretrycount": "0",
      "x-cloudtasks-taskexecutioncount": "0",
      "x-cloudtasks-tasketa": (eta.getTime() / 1000).toFixed(6),
    });
  });

  it("holds a task until its scheduleTime", async () => {
    const w = await worker(() => 200);
    cleanups.push(w.close);
    const dispatcher = new QueueDispatcher({ queue: queue() });
    const due = Date.now() + 300;
    dispatcher.add({ name: taskName("later"), url: w.url, scheduleTime: new Date(due) });
    dispatcher.add({ name: taskName("now"), url: w.url, scheduleTime: new Date() });
    await dispatcher.idle();
    expect(w.arrivals.map((a) => a.headers["x-cloudtasks-taskname"])).toEqual(["now", "later"]);
    expect(w.arrivals[1]?.at).toBeGreaterThanOrEqual(due);
  });

  it("retries non-2xx answers with growing retry counts, counting executions as Cloud Tasks does", async () => {
    const w = await worker((n) => (n === 0 ? 429 : n === 1 ? 503 : 200));
    cleanups.push(w.close);
    const outcomes: DispatchOutcome[] = [];
    const dispatcher = new QueueDispatcher({ queue: queue(), onOutcome: (o) => outcomes.push(o) });
    dispatcher.add({ name: taskName("flaky"), url: w.url, scheduleTime: new Date() });
    await dispatcher.idle();
    expect(w.arrivals.map((a) => a.headers["x-cloudtasks-taskretrycount"])).toEqual(["0", "1", "2"]);
    // The execution count leaves out answers that were 5xx: the 429 counts, the 503 does not.
    expect(w.arrivals.map((a) => a.headers["x-cloudtasks-taskexecutioncount"])).toEqual(["0", "1", "1"]);
    expect(outcomes.at(-1)).toEqual({ type: "done", task: taskName("flaky"), attempts: 3 });
  });

  it("gives up after maxAttempts", async () => {
    const w = await worker(() => 500);
    cleanups.push(w.close);
    const outcomes: DispatchOutcome[] = [];
    const dispatcher = new QueueDispatcher({ queue: queue(), onOutcome: (o) => outcomes.push(o) });
    dispatcher.add({ name: taskName("doomed"), url: w.url, scheduleTime: new Date() });
    await dispatcher.idle();
    expect(w.arrivals).toHaveLength(3);
    expect(outcomes.at(-1)).toEqual({ type: "exhausted", task: taskName("doomed"), attempts: 3 });
  });

  it("ignores a second task with a name already queued", async () => {
    const w = await worker(() => 200);
    cleanups.push(w.close);
    const dispatcher = new QueueDispatcher({ queue: queue() });
    const later = new Date(Date.now() + 50);
    dispatcher.add({ name: taskName("dup"), url: w.url, scheduleTime: later });
    dispatcher.add({ name: taskName("dup"), url: w.url, scheduleTime: later });
    await dispatcher.idle();
    expect(w.arrivals).toHaveLength(1);
  });

  it("never has more than maxConcurrentDispatches in flight", async () => {
    const w = await worker(() => 200, 40);
    cleanups.push(w.close);
    const dispatcher = new QueueDispatcher({ queue: queue({ maxConcurrentDispatches: 3 }) });
    for (let i = 0; i < 12; i++) dispatcher.add({ name: taskName(`c${i}`), url: w.url, scheduleTime: new Date() });
    await dispatcher.idle();
    expect(w.arrivals).toHaveLength(12);
    expect(w.maxConcurrent()).toBe(3);
  });

  it("keeps every window of dispatches within burst plus rate times its length", async () => {
    const w = await worker(() => 200);
    cleanups.push(w.close);
    const rate = 40;
    const burst = 5;
    const dispatcher = new QueueDispatcher({ queue: queue({ maxDispatchesPerSecond: rate, maxBurstSize: burst }) });
    for (let i = 0; i < 30; i++) dispatcher.add({ name: taskName(`r${i}`), url: w.url, scheduleTime: new Date() });
    await dispatcher.idle();
    const times = w.arrivals.map((a) => a.at).sort((a, b) => a - b);
    // The token-bucket bound, with one token of slack for timer and socket jitter.
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        const windowSeconds = ((times[j] as number) - (times[i] as number)) / 1000;
        expect(j - i + 1).toBeLessThanOrEqual(burst + rate * windowSeconds + 1);
      }
    }
  });
});
