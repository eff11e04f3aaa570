// The local Cloud Tasks v2 server as Google's client library (REST fallback) and plain HTTP clients see it:
// task and queue resources, Google's error shapes, and the stats endpoint benchmarks read.

import { getQueue, type QueueDefinition, queuePath } from "@genai-platform/definition";
import type { CloudTasksClient } from "@google-cloud/tasks";
import { afterEach, describe, expect, it } from "vitest";
import { createGaxTasksClient } from "./gax-tasks-client.ts";
import { startTasksServer, type TasksServer } from "./tasks-server.ts";
import { startTestTarget, type TestTarget } from "./test-target.ts";

const PROJECT = "demo-tasks";
const LOCATION = "us-central1";
const imageQueue = getQueue("image-jobs") as QueueDefinition;
const parent = queuePath(PROJECT, LOCATION, "image-jobs");
const later = () => ({ seconds: Math.floor(Date.now() / 1000) + 3600 });

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(rates?: Record<string, number>): Promise<{
  server: TasksServer;
  client: CloudTasksClient;
  target: TestTarget;
}> {
  const server = await startTasksServer({ project: PROJECT, location: LOCATION, queues: [imageQueue], rates });
  cleanups.push(server.stop);
  const target = await startTestTarget();
  cleanups.push(target.close);
  const client = createGaxTasksClient(server.endpoint);
  cleanups.push(() => client.close());
  return { server, client, target };
}

describe("the local Cloud Tasks server", () => {
  it("describes a queue with the definition's rate limits and retry policy", async () => {
    const { client } = await setup();
    const [queue] = await client.getQueue({ name: parent });
    expect(queue.name).toBe(parent);
    expect(queue.state).toBe("RUNNING");
    expect(queue.rateLimits).toMatchObject({
      maxDispatchesPerSecond: imageQueue.maxDispatchesPerSecond,
      maxBurstSize: imageQueue.maxBurstSize,
      maxConcurrentDispatches: imageQueue.maxConcurrentDispatches,
    });
    expect(queue.retryConfig).toMatchObject({
      maxAttempts: imageQueue.retry.maxAttempts,
      minBackoff: { seconds: String(Number.parseFloat(imageQueue.retry.minBackoff)) },
      maxDoublings: imageQueue.retry.maxDoublings,
    });
  });

  it("reports an overridden rate and hands it to the dispatcher", async () => {
    const { client, server } = await setup({ "image-jobs": 2 });
    const [queue] = await client.getQueue({ name: parent });
    expect(queue.rateLimits?.maxDispatchesPerSecond).toBe(2);
    expect(server.dispatcher("image-jobs").rate).toBe(2);
  });

  it("names a task it was given none, and gets, lists and deletes it", async () => {
    const { client, target, server } = await setup();
    const [created] = await client.createTask({
      parent,
      task: { httpRequest: { url: target.url, body: Buffer.from("hello") }, scheduleTime: later() },
    });
    expect(created.name).toMatch(new RegExp(`^${parent}/tasks/\\d+$`));
    expect(created.httpRequest?.httpMethod).toBe("POST");
    expect(created.view).toBe("BASIC");

    const [full] = await client.getTask({ name: created.name as string, responseView: "FULL" });
    expect(Buffer.from(full.httpRequest?.body as Uint8Array).toString()).toBe("hello");
    const [tasks] = await client.listTasks({ parent }, { autoPaginate: true });
    expect(tasks.map((t) => t.name)).toEqual([created.name]);

    await client.deleteTask({ name: created.name as string });
    await expect(client.getTask({ name: created.name as string })).rejects.toMatchObject({ code: 5 });
    expect(server.stats()["image-jobs"]).toMatchObject({ created: 1, pending: 0 });
    // A deleted task's name stays reserved.
    await expect(
      client.createTask({ parent, task: { name: created.name, httpRequest: { url: target.url } } }),
    ).rejects.toMatchObject({
      code: 6,
    });
    await server.idle();
    expect(target.arrivals).toHaveLength(0);
  });

  it("does not retry a task deleted while its attempt was in flight", async () => {
    const server = await startTasksServer({
      project: PROJECT,
      location: LOCATION,
      queues: [{ ...imageQueue, retry: { maxAttempts: 5, minBackoff: "0.01s", maxBackoff: "0.01s", maxDoublings: 0 } }],
    });
    cleanups.push(server.stop);
    const slowFailing = await startTestTarget({ status: () => 500, holdMs: 100 });
    cleanups.push(slowFailing.close);
    const client = createGaxTasksClient(server.endpoint);
    cleanups.push(() => client.close());
    const [created] = await client.createTask({ parent, task: { httpRequest: { url: slowFailing.url } } });
    while (slowFailing.arrivals.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await client.deleteTask({ name: created.name as string });
    await server.idle();
    expect(slowFailing.arrivals).toHaveLength(1);
  });

  it("removes a task once its worker accepted it", async () => {
    const { client, target, server } = await setup();
    const [created] = await client.createTask({ parent, task: { httpRequest: { url: target.url } } });
    await server.idle();
    expect(target.arrivals).toHaveLength(1);
    await expect(client.getTask({ name: created.name as string })).rejects.toMatchObject({ code: 5 });
  });

  it.each([
    { case: "a task without httpRequest.url", task: { httpRequest: { headers: {} } }, code: 3 },
    { case: "a task without httpRequest", task: {}, code: 3 },
    { case: "a non-HTTP url", task: { httpRequest: { url: "ftp://127.0.0.1/x" } }, code: 3 },
    {
      case: "a name outside the queue",
      task: { name: "projects/x/locations/y/queues/z/tasks/t", httpRequest: { url: "http://127.0.0.1:1/" } },
      code: 3,
    },
  ])("rejects $case as INVALID_ARGUMENT", async ({ task, code }) => {
    const { client } = await setup();
    await expect(client.createTask({ parent, task })).rejects.toMatchObject({ code });
  });

  it("answers NOT_FOUND for a queue it does not have", async () => {
    const { client, target } = await setup();
    const other = queuePath(PROJECT, LOCATION, "nope");
    await expect(client.getQueue({ name: other })).rejects.toMatchObject({ code: 5 });
    await expect(
      client.createTask({ parent: other, task: { httpRequest: { url: target.url } } }),
    ).rejects.toMatchObject({
      code: 5,
    });
  });

  it("answers a duplicate name with Google's ALREADY_EXISTS error JSON", async () => {
    const { server, target } = await setup();
    const body = JSON.stringify({ task: { name: `${parent}/tasks/dup`, httpRequest: { url: target.url } } });
    const post = () => fetch(`${server.url}/v2/${parent}/tasks`, { method: "POST", body });
    const first = await post();
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ name: `${parent}/tasks/dup`, httpRequest: { httpMethod: "POST" } });
    const second = await post();
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({
      error: { code: 409, message: expect.any(String), status: "ALREADY_EXISTS" },
    });
  });

  it("counts created, dispatched, succeeded and exhausted tasks per queue", async () => {
    const quickRetries: QueueDefinition = {
      ...imageQueue,
      retry: { maxAttempts: 3, minBackoff: "0.01s", maxBackoff: "0.02s", maxDoublings: 1 },
    };
    let finished = 0;
    let allFinished: () => void = () => undefined;
    const bothFinished = new Promise<void>((resolve) => {
      allFinished = resolve;
    });
    const server = await startTasksServer({
      project: PROJECT,
      location: LOCATION,
      queues: [quickRetries],
      onOutcome: (o) => {
        if (o.type !== "attempt" && ++finished === 2) allFinished();
      },
    });
    cleanups.push(server.stop);
    const ok = await startTestTarget();
    cleanups.push(ok.close);
    const failing = await startTestTarget({ status: () => 500 });
    cleanups.push(failing.close);
    const client = createGaxTasksClient(server.endpoint);
    cleanups.push(() => client.close());

    await client.createTask({ parent, task: { httpRequest: { url: ok.url } } });
    await client.createTask({ parent, task: { httpRequest: { url: failing.url } } });
    await client.createTask({ parent, task: { httpRequest: { url: ok.url }, scheduleTime: later() } });
    await bothFinished;

    const response = await fetch(`${server.url}/__control/stats`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      "image-jobs": { created: 3, dispatched: 4, succeeded: 1, exhausted: 1, pending: 1, inFlight: 0 },
    });
  });
});
