// CloudTasksQueue through the REST client against the local Cloud Tasks server, whose dispatcher
// delivers to a local worker: the whole path a job takes to its worker, and the task as created.

import { getQueue, type QueueDefinition, queuePath } from "@genai-platform/definition";
import type { DispatchOutcome } from "@genai-platform/local/dispatcher/queue-dispatcher.ts";
import { checkWorkerRequest, decodeJwtPayload } from "@genai-platform/local/tasks/local-oidc-token.ts";
import { startTasksServer } from "@genai-platform/local/tasks/tasks-server.ts";
import { startTestTarget } from "@genai-platform/local/tasks/test-target.ts";
import { afterEach, describe, expect, it } from "vitest";
import { createCloudTasksClient } from "./cloud-tasks-client.ts";
import { CloudTasksQueue } from "./cloud-tasks-queue.ts";
import type { CreateTaskClient } from "./cloud-tasks-rest.ts";

const PROJECT = "demo-tasks";
const LOCATION = "europe-west1";
const INVOKER = "tasks-invoker@demo-tasks.iam.gserviceaccount.com";

/** The image queue with a tiny backoff, so retries run in milliseconds. */
const imageQueue: QueueDefinition = {
  ...getQueue("image-jobs"),
  retry: { maxAttempts: 3, minBackoff: "0.01s", maxBackoff: "0.05s", maxDoublings: 2 },
};

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Server + SDK client + adapter + worker, all torn down after the test. */
async function setup(status: (n: number) => number = () => 200) {
  const outcomes: DispatchOutcome[] = [];
  const server = await startTasksServer({
    project: PROJECT,
    location: LOCATION,
    queues: [imageQueue],
    onOutcome: (o) => outcomes.push(o),
  });
  cleanups.push(server.stop);
  const target = await startTestTarget({ status });
  cleanups.push(target.close);
  const client = createCloudTasksClient({ localEndpoint: server.endpoint });
  const path = queuePath(PROJECT, LOCATION, "image-jobs");
  const queue = new CloudTasksQueue({
    client,
    queues: { "image-jobs": { path, workerUrl: target.url } },
    invokerEmail: INVOKER,
    dispatchDeadlineSeconds: 60,
  });
  return { server, target, queue, outcomes, path };
}

const run = (jobId: string) => ({ taskId: jobId, payload: { jobId, step: "run" as const } });

describe("CloudTasksQueue on the local Cloud Tasks server", () => {
  it("delivers the JSON payload with Cloud Tasks' headers to the worker", async () => {
    const { server, target, queue } = await setup();
    await expect(queue.enqueue("image-jobs", run("job-1"))).resolves.toBe("created");
    await server.idle();
    expect(target.arrivals).toHaveLength(1);
    const [arrival] = target.arrivals;
    expect(arrival?.method).toBe("POST");
    expect(arrival?.path).toBe("/work");
    expect(JSON.parse(arrival?.body ?? "")).toEqual({ jobId: "job-1", step: "run" });
    expect(arrival?.headers).toMatchObject({
      "content-type": "application/json",
      "x-cloudtasks-queuename": "image-jobs",
      "x-cloudtasks-taskname": "job-1",
      "x-cloudtasks-taskretrycount": "0",
      "x-cloudtasks-taskexecutioncount": "0",
    });
  });

  it("signs the worker call with an OIDC token for the invoker and the worker's audience", async () => {
    const { server, target, queue } = await setup();
    await queue.enqueue("image-jobs", run("job-oidc"));
    await server.idle();
    const authorization = String(target.arrivals[0]?.headers.authorization);
    expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeJwtPayload(authorization.slice("Bearer ".length))).toMatchObject({
      iss: "https://accounts.google.com",
      email: INVOKER,
      aud: target.url,
    });
    // Signed by the local Cloud Tasks' key: what the local function host verifies.
    const verdict = await checkWorkerRequest(authorization, {
      publicJwk: server.oidcPublicJwk,
      audience: target.url,
      invokerEmail: INVOKER,
    });
    expect(verdict).toEqual({ ok: true });
  });

  it("answers exists for a duplicate task id and delivers the job once", async () => {
    const { server, target, queue } = await setup();
    await expect(queue.enqueue("image-jobs", run("job-dup"))).resolves.toBe("created");
    await expect(queue.enqueue("image-jobs", run("job-dup"))).resolves.toBe("exists");
    await server.idle();
    // Still reserved after delivery, as Cloud Tasks keeps a finished task's name for about an hour.
    await expect(queue.enqueue("image-jobs", run("job-dup"))).resolves.toBe("exists");
    await server.idle();
    expect(target.arrivals).toHaveLength(1);
  });

  it("does not deliver a task before its scheduleTime", async () => {
    const { server, target, queue, outcomes } = await setup();
    const scheduleTime = new Date(Date.now() + 300);
    await queue.enqueue("image-jobs", {
      taskId: "job-poll-1",
      payload: { jobId: "job", step: "poll", poll: 1 },
      scheduleTime,
    });
    await server.idle();
    const attempts = outcomes.filter((o) => o.type === "attempt");
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.dispatchedAt).toBeGreaterThanOrEqual(scheduleTime.getTime());
    expect(Number(target.arrivals[0]?.headers["x-cloudtasks-tasketa"])).toBeCloseTo(scheduleTime.getTime() / 1000, 2);
  });

  it("retries a worker answering 500 with rising retry counts until maxAttempts, then gives up", async () => {
    const { server, target, queue, outcomes } = await setup(() => 500);
    await queue.enqueue("image-jobs", run("job-doomed"));
    await server.idle();
    expect(target.arrivals.map((a) => a.headers["x-cloudtasks-taskretrycount"])).toEqual(["0", "1", "2"]);
    // 5xx answers are not executions (X-CloudTasks-TaskExecutionCount), only retries.
    expect(target.arrivals.map((a) => a.headers["x-cloudtasks-taskexecutioncount"])).toEqual(["0", "0", "0"]);
    expect(outcomes.at(-1)).toEqual({
      type: "exhausted",
      task: expect.stringMatching(/\/tasks\/job-doomed$/),
      attempts: 3,
    });
    expect(server.stats()["image-jobs"]).toMatchObject({ created: 1, dispatched: 3, succeeded: 0, exhausted: 1 });
  });

  it("creates the task with its name, POST, base64 body, OIDC token, schedule time and dispatch deadline", async () => {
    const { server, queue, path, target } = await setup();
    const scheduleTime = new Date(Date.now() + 3_600_000 + 250);
    await queue.enqueue("image-jobs", {
      taskId: "job-shape",
      payload: { jobId: "job-shape", step: "run" },
      scheduleTime,
    });
    const name = `${path}/tasks/job-shape`;
    const read = await fetch(`${server.url}/v2/${name}?responseView=FULL`);
    expect(read.status).toBe(200);
    const task = (await read.json()) as Record<string, unknown> & { httpRequest: Record<string, unknown> };
    expect(task).toMatchObject({
      name,
      scheduleTime: scheduleTime.toISOString(),
      dispatchDeadline: "60s",
      httpRequest: {
        url: target.url,
        httpMethod: "POST",
        headers: { "Content-Type": "application/json" },
        oidcToken: { serviceAccountEmail: INVOKER, audience: target.url },
      },
    });
    expect(JSON.parse(Buffer.from(String(task.httpRequest.body), "base64").toString())).toEqual({
      jobId: "job-shape",
      step: "run",
    });
  });

  it("sends Google's REST request: the queue's tasks URL, a bearer token and the task JSON", async () => {
    // A bare HTTP endpoint in the Cloud Tasks server's place records the request; its empty 409
    // (no Google error JSON) still reads as ALREADY_EXISTS by the HTTP mapping.
    const endpoint = await startTestTarget({ status: () => 409 });
    cleanups.push(endpoint.close);
    const path = queuePath(PROJECT, LOCATION, "image-jobs");
    const queue = new CloudTasksQueue({
      client: createCloudTasksClient({ localEndpoint: new URL(endpoint.url).host }),
      queues: { "image-jobs": { path, workerUrl: "https://imageworker.example.run.app" } },
      invokerEmail: INVOKER,
    });
    await expect(queue.enqueue("image-jobs", run("job-wire"))).resolves.toBe("exists");
    const [request] = endpoint.arrivals;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(`/v2/${path}/tasks`);
    expect(request?.headers.authorization).toBe("Bearer local-cloud-tasks");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      task: {
        name: `${path}/tasks/job-wire`,
        httpRequest: {
          url: "https://imageworker.example.run.app",
          httpMethod: "POST",
          headers: { "Content-Type": "application/json" },
          body: Buffer.from(JSON.stringify({ jobId: "job-wire", step: "run" })).toString("base64"),
          oidcToken: { serviceAccountEmail: INVOKER, audience: "https://imageworker.example.run.app" },
        },
      },
    });
  });

  it("refuses a queue this function has not been configured for, naming it", async () => {
    const { queue } = await setup();
    await expect(queue.enqueue("video-jobs", run("job-v"))).rejects.toThrow(/video-jobs/);
  });

  it("lets other Cloud Tasks failures propagate", async () => {
    const { target } = await setup();
    const server = await startTasksServer({ project: PROJECT, location: LOCATION, queues: [] });
    cleanups.push(server.stop);
    const client = createCloudTasksClient({ localEndpoint: server.endpoint });
    const queue = new CloudTasksQueue({
      client,
      queues: { "image-jobs": { path: queuePath(PROJECT, LOCATION, "image-jobs"), workerUrl: target.url } },
      invokerEmail: INVOKER,
    });
    // The server knows no queue: NOT_FOUND (5) must reach the caller, which refunds and answers 503.
    await expect(queue.enqueue("image-jobs", run("job-x"))).rejects.toMatchObject({
      code: 5,
      status: "NOT_FOUND",
      httpStatus: 404,
    });
  });
});

describe("CloudTasksQueue's deadline on CreateTask", () => {
  it("passes a 10 s deadline on every createTask call by default", async () => {
    const calls: unknown[][] = [];
    const client = {
      createTask: async (...args: unknown[]) => {
        calls.push(args);
        return [{}];
      },
    };
    const queue = new CloudTasksQueue({
      client: client as CreateTaskClient,
      queues: { "image-jobs": { path: queuePath(PROJECT, LOCATION, "image-jobs"), workerUrl: "http://127.0.0.1:1/w" } },
      invokerEmail: INVOKER,
    });
    await queue.enqueue("image-jobs", run("job-t"));
    expect(calls[0]?.[2]).toEqual({ timeoutMs: 10_000 });
  });

  it("gives up on a Cloud Tasks endpoint that never answers", async () => {
    const hung = await startTestTarget({ hang: true });
    cleanups.push(hung.close);
    const client = createCloudTasksClient({ localEndpoint: new URL(hung.url).host });
    const queue = new CloudTasksQueue({
      client,
      queues: { "image-jobs": { path: queuePath(PROJECT, LOCATION, "image-jobs"), workerUrl: hung.url } },
      invokerEmail: INVOKER,
      timeoutMs: 200,
    });
    await expect(queue.enqueue("image-jobs", run("job-hung"))).rejects.toMatchObject({
      code: 4,
      status: "DEADLINE_EXCEEDED",
    });
  });
});
