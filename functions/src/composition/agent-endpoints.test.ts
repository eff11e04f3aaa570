// creativeDirectorAgent as deployed, on local parts: Services from a RuntimeConfig, the real AI SDK
// Vertex provider talking to the local Vertex AI server's scripted agent model, the Firestore
// emulator, and the local Cloud Tasks server receiving the task the agent's tool creates.

import type { AddressInfo } from "node:net";
import { createGenAiClient } from "@genai-platform/client";
import { type AgentStreamEvent, agentTurnResponseSchema } from "@genai-platform/client/api";
import { getQueue, platform, queuePath } from "@genai-platform/definition";
import type { RuntimeConfig } from "@genai-platform/definition/runtime-config";
import { startTasksServer, type TasksServer } from "@genai-platform/local/tasks/tasks-server.ts";
import { startTestTarget, type TestTarget } from "@genai-platform/local/tasks/test-target.ts";
import { startVertexServer, type VertexServer } from "@genai-platform/local/vertex/vertex-server.ts";
import { type HttpFunction, http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testFirestore } from "../../test/firestore.ts";
import { AppError } from "../domain/errors.ts";
import type { IdentityVerifier } from "../ports/index.ts";
import { creativeDirectorAgentFunction } from "./agent-endpoints.ts";
import { createServices, type Services } from "./services.ts";

const LOCATION = "europe-west1";
const FN = "creativeDirectorAgentE2e";
const fs = testFirestore("src/composition/agent-endpoints.test.ts");
let tasks: TasksServer;
let target: TestTarget;
let vertex: VertexServer;
let services: Services;

beforeAll(async () => {
  await fs.clear();
  tasks = await startTasksServer({
    project: fs.projectId,
    location: LOCATION,
    queues: [getQueue("image-jobs"), getQueue("video-jobs")],
  });
  target = await startTestTarget();
  vertex = await startVertexServer();
  const queue = (name: "image-jobs" | "video-jobs") => ({
    path: queuePath(fs.projectId, LOCATION, name),
    workerUrl: target.url,
  });
  const config: RuntimeConfig = {
    functionName: "creativeDirectorAgent",
    environment: "local",
    project: fs.projectId,
    region: LOCATION,
    models: platform.defaultModels,
    tierLimits: platform.tiers,
    webOrigins: [],
    tasksInvokerEmail: "tasks-invoker@demo.iam.gserviceaccount.com",
    queues: { "image-jobs": queue("image-jobs"), "video-jobs": queue("video-jobs") },
    signedUrlTtlSeconds: 900,
    local: { vertexBaseUrl: vertex.url, cloudTasksEndpoint: tasks.endpoint },
  };
  // Token checks are the shared endpoints' subject; here a bearer token `user:<uid>` is the caller.
  const identity: IdentityVerifier = {
    verify: async (token: string) => {
      const uid = /^user:(\w+)$/.exec(token)?.[1];
      if (!uid) throw new AppError("TOKEN_INVALID", "not a test token");
      return { uid, signInProvider: "custom", emailVerified: false };
    },
  };
  services = { ...createServices(config), identity: identity as Services["identity"] };
  const fn: HttpFunction = creativeDirectorAgentFunction(services);
  http(FN, fn);
});
afterAll(async () => {
  await tasks?.stop();
  await target?.close();
  await vertex?.stop();
  await fs.close();
});

describe("the deployed creativeDirectorAgent", () => {
  it("runs the Vertex AI model through Mastra, whose requestImage tool queues a real task", async () => {
    const res = await request(getTestServer(FN))
      .post("/")
      .set("Authorization", "Bearer user:ada")
      .send({ messages: [{ role: "user", content: "Make an image of a glass teapot at dawn" }] });
    expect(res.status).toBe(200);
    const answer = agentTurnResponseSchema.parse(res.body);
    const call = answer.toolCalls[0];
    expect(call).toMatchObject({ name: "requestImage", output: { ok: true, kind: "image", status: "queued" } });
    const jobId = (call?.output as { jobId?: string } | undefined)?.jobId ?? "";
    expect(answer.message).toContain(jobId);
    await tasks.idle();
    expect(target.arrivals.map((a) => JSON.parse(a.body))).toEqual([{ jobId, step: "run" }]);
    const usage = (await fs.db.collection("usage").get()).docs.map((d) => d.data());
    expect(usage).toEqual([expect.objectContaining({ image: 1, agent: 1 })]);
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
  });

  it("streams a turn the typed client reads into the same answer, with the tool's call and result events", async () => {
    const server = getTestServer(FN);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const client = createGenAiClient({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        getIdToken: async () => "user:grace",
      });
      const events: AgentStreamEvent[] = [];
      const answer = await client.chat([{ role: "user", content: "Make an image of a paper boat" }], {
        onEvent: (event) => events.push(event),
      });
      const types = events.map((e) => e.type);
      expect(types.at(-1)).toBe("message");
      expect(types).toContain("text-delta");
      expect(types.indexOf("tool-call")).toBeLessThan(types.indexOf("tool-result"));
      const text = events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
      expect(text).toBe(answer.message);
      expect(answer.toolCalls).toEqual([
        expect.objectContaining({ name: "requestImage", output: expect.objectContaining({ ok: true }) }),
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
