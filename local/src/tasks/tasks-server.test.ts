// The local Cloud Tasks v2 server as Google's client library (REST fallback) and plain HTTP clients see it:
// task and queue resources, Google's error shapes, and the stats endpoint benchmarks read.

import { getQueue, type QueueDefinition, queuePath } from "@genai-platform/definition";
import type { CloudTasksClient } from "@google-cloud/tasks";
import { afterEach, describe, expect, it } from "vitest";
import { createGaxTasksClient } from "./gax-tasks-client.ts";
import { TaskFaults } from "./task-faults.ts";
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

  it("answers an injected CreateTask failure with Google's UNAVAILABLE error JSON and stores nothing", async () => {
    const { server, target } = await setup();
    server.faults.push({ queue: "image-jobs", createStatus: 503 });
    const body = JSON.stringify({ task: { name: `${parent}/tasks/refused`, httpRequest: { url: target.url } } });
    const post = () => fetch(`${server.url}/v2/${parent}/tasks`, { method: "POST", body });
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: { code: 503, message: "The service is currently unavailable.", status: "UNAVAILABLE" },
    });
    // Nothing was stored: the same name is accepted next time, and delivered once.
    expect((await post()).status).toBe(200);
    await server.idle();
    expect(target.arrivals).toHaveLength(1);
  });

  it("stores and delivers a task whose answer is an injected failure, so a retry finds it ALREADY_EXISTS", async () => {
    const { server, client, target } = await setup();
    server.faults.push({ createStatus: 503, afterCreate: true });
    const task = { name: `${parent}/tasks/lost-answer`, httpRequest: { url: target.url } };
    await expect(client.createTask({ parent, task })).rejects.toMatchObject({ code: 14 });
    await expect(client.createTask({ parent, task })).rejects.toMatchObject({ code: 6 });
    await server.idle();
    expect(target.arrivals).toHaveLength(1);
  });

  it("delivers a task with an injected duplicate twice, with the same task name header", async () => {
    const { server, client, target } = await setup();
    server.faults.push({ duplicate: true });
    await client.createTask({ parent, task: { name: `${parent}/tasks/twice`, httpRequest: { url: target.url } } });
    await server.idle();
    expect(target.arrivals.map((a) => a.headers["x-cloudtasks-taskname"])).toEqual(["twice", "twice"]);
  });

  it("refuses a fault that injects nothing", () => {
    const faults = new TaskFaults();
    expect(() => faults.push({ times: 2 })).toThrow(/createStatus or duplicate/);
    expect(() => faults.push({ afterCreate: true, duplicate: true })).toThrow(/afterCreate needs createStatus/);
  });

  describe("pausing a queue", () => {
    const pollQueue = getQueue("video-polls") as QueueDefinition;
    const pollParent = queuePath(PROJECT, LOCATION, "video-polls");

    async function twoQueues() {
      const server = await startTasksServer({ project: PROJECT, location: LOCATION, queues: [imageQueue, pollQueue] });
      cleanups.push(server.stop);
      const target = await startTestTarget();
      cleanups.push(target.close);
      const client = createGaxTasksClient(server.endpoint);
      cleanups.push(() => client.close());
      return { server, target, client };
    }

    it("keeps accepting tasks while PAUSED, dispatches none of them, and dispatches every one on resume", async () => {
      const { server, target, client } = await twoQueues();
      const [paused] = await client.pauseQueue({ name: parent });
      expect(paused).toMatchObject({ name: parent, state: "PAUSED" });
      expect((await client.getQueue({ name: parent }))[0].state).toBe("PAUSED");

      for (const id of ["held-1", "held-2", "held-3"]) {
        await client.createTask({ parent, task: { name: `${parent}/tasks/${id}`, httpRequest: { url: target.url } } });
      }
      // A task created after them on a running queue arrives: the paused queue had every chance to dispatch.
      await client.createTask({ parent: pollParent, task: { httpRequest: { url: `${target.url}?running` } } });
      while (server.stats()["video-polls"]?.succeeded !== 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(target.arrivals.map((a) => a.path)).toEqual(["/work?running"]);
      expect(server.stats()["image-jobs"]).toMatchObject({ created: 3, dispatched: 0, pending: 3, inFlight: 0 });
      const [tasks] = await client.listTasks({ parent }, { autoPaginate: true });
      expect(tasks.map((t) => t.name?.split("/").pop())).toEqual(["held-1", "held-2", "held-3"]);

      const [resumed] = await client.resumeQueue({ name: parent });
      expect(resumed.state).toBe("RUNNING");
      await server.idle();
      expect(
        target.arrivals.map((a) => String(a.headers["x-cloudtasks-taskname"])).filter((n) => n.startsWith("held")),
      ).toEqual(["held-1", "held-2", "held-3"]);
      expect(server.stats()["image-jobs"]).toMatchObject({ created: 3, succeeded: 3, pending: 0 });
    });

    it("is idempotent both ways and answers the Queue over plain REST with enum names", async () => {
      const { server } = await twoQueues();
      for (const action of ["pause", "pause", "resume", "resume"] as const) {
        const response = await fetch(`${server.url}/v2/${parent}:${action}`, { method: "POST", body: "{}" });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ name: parent, state: action === "pause" ? "PAUSED" : "RUNNING" });
      }
      expect(server.dispatcher("image-jobs").paused).toBe(false);
    });

    it.each([
      ["a body naming a field", "POST", JSON.stringify({ name: "x" }), 400, "INVALID_ARGUMENT"],
      ["GET", "GET", undefined, 405, "UNIMPLEMENTED"],
    ])("refuses %s on :pause and leaves the queue running", async (_case, method, body, status, code) => {
      const { server } = await twoQueues();
      const response = await fetch(`${server.url}/v2/${parent}:pause`, { method, ...(body ? { body } : {}) });
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code: status, status: code } });
      expect(server.dispatcher("image-jobs").paused).toBe(false);
    });

    it("answers NOT_FOUND for pausing a queue it does not have", async () => {
      const { client } = await twoQueues();
      await expect(client.pauseQueue({ name: queuePath(PROJECT, LOCATION, "nope") })).rejects.toMatchObject({
        code: 5,
      });
    });
  });
});
