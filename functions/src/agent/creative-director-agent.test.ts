// creativeDirectorAgent over HTTP: the Firestore emulator behind admission and the agent quota, a
// recording task queue, and a scripted mock language model driving the tools. Tokens are checked by
// a stand-in verifier (real Firebase token verification is covered by the shared endpoint tests).
import type { AddressInfo } from "node:net";
import { AGENT_LIMITS, agentStreamEventSchema, agentTurnResponseSchema } from "@genai-platform/client/api";
import { MODELS, platform, type TierLimits } from "@genai-platform/definition";
import { http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import type { MastraModelConfig } from "@mastra/core/llm";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { capturedEvents } from "../../test/captured-events.ts";
import { testFirestore } from "../../test/firestore.ts";
import { RecordingQueue } from "../../test/recording-queue.ts";
import { FirestoreAccessControls } from "../adapters/firestore/firestore-access-controls.ts";
import { FirestoreAdmissionStore } from "../adapters/firestore/firestore-admission-store.ts";
import { FirestoreJobStore } from "../adapters/firestore/firestore-job-store.ts";
import { httpsFunction } from "../adapters/http/https-function.ts";
import { randomIds, systemClock } from "../adapters/system/system.ts";
import { OPEN_SIGN_IN_POLICY } from "../domain/access-policy.ts";
import { type AdmissionDeps, admitJob } from "../domain/admission.ts";
import { utcDay } from "../domain/calendar.ts";
import { AppError } from "../domain/errors.ts";
import type { IdentityVerifier } from "../ports/index.ts";
import { MAX_AGENT_STEPS } from "./creative-director.ts";
import { creativeDirectorEndpoint } from "./http-handler.ts";
import { type Script, scriptedModel } from "./test/scripted-model.ts";

const LIMITS: TierLimits = { free: { image: 2, video: 1, agent: 3 }, pro: { image: 5, video: 2, agent: 10 } };
const ORIGIN = "https://studio.example.com";
const FN = "creativeDirectorAgentTest";
const IMAGE = { prompt: "a glass teapot on a marble table", aspectRatio: "1:1" as const, imageSize: "1K" as const };

/** Calls requestImage once, then reports what the tool returned. */
const requestsOneImage: Script = ({ step, toolResults }) => {
  if (step === 0) return { toolCalls: [{ name: "requestImage", input: { prompt: IMAGE.prompt } }] };
  const result = toolResults[0]?.output as { ok: boolean; jobId?: string; error?: { code: string } };
  return { text: result.ok ? `Your key frame is on its way: job ${result.jobId}.` : `Sorry, ${result.error?.code}.` };
};

const fs = testFirestore("src/agent/creative-director-agent.test.ts");
/** Accepts `Bearer user:<uid>`; the HTTP side still parses the header like in production. */
const identity: IdentityVerifier = {
  verify: async (token) => {
    const uid = /^user:(\w+)$/.exec(token)?.[1];
    if (!uid) throw new AppError("TOKEN_INVALID", "not a test token");
    return { uid, signInProvider: "custom", emailVerified: false };
  },
};
let queue: RecordingQueue;
let events: ReturnType<typeof capturedEvents>;
let script: Script = requestsOneImage;
let errorLines: string[] = [];
let mock = scriptedModel((context) => script(context));

beforeAll(async () => {
  const jobs = new FirestoreJobStore(fs.db);
  const admission = (): AdmissionDeps => ({
    admissions: new FirestoreAdmissionStore(fs.db),
    jobs,
    queue,
    events: events.log,
    clock: systemClock,
    ids: randomIds,
    limits: LIMITS,
  });
  http(
    FN,
    httpsFunction({
      methods: ["POST"],
      origins: () => [ORIGIN],
      ...creativeDirectorEndpoint({
        identity,
        access: { policy: OPEN_SIGN_IN_POLICY, controls: new FirestoreAccessControls(() => fs.db) },
        quota: () => ({
          admissions: new FirestoreAdmissionStore(fs.db),
          events: events.log,
          clock: systemClock,
          limits: LIMITS,
        }),
        director: () => ({
          jobs: { admission, jobs: () => jobs },
          // The mock is replaced per test; the endpoint asks for the model on every turn. Mastra pins
          // its own copy of the provider types, so the AI SDK mock needs a cast (same object at run time).
          model: () => mock.model as unknown as MastraModelConfig,
          modelId: MODELS.agent,
          events: events.log,
          logError: (line) => errorLines.push(line),
        }),
      }),
    }),
  );
});
beforeEach(async () => {
  await fs.clear();
  queue = new RecordingQueue();
  events = capturedEvents();
  script = requestsOneImage;
  errorLines = [];
  mock = scriptedModel((context) => script(context));
});
afterAll(() => fs.close());

const today = () => utcDay(new Date());
const usage = async (uid: string) => (await fs.db.doc(`usage/${uid}_${today()}`).get()).data() ?? {};
const jobsOf = async (uid: string) => (await fs.db.collection("jobs").where("uid", "==", uid).get()).docs;
const turn = (text: string) => ({ messages: [{ role: "user", content: text }] });

async function post(body: unknown, options: { uid?: string; accept?: string } = {}) {
  const token = `user:${options.uid ?? "alice"}`;
  return request(getTestServer(FN))
    .post("/")
    .set("Authorization", `Bearer ${token}`)
    .set("Accept", options.accept ?? "application/json")
    .send(body as object);
}

function sseEvents(text: string) {
  return text
    .split("\n\n")
    .filter((frame) => frame.trim().length > 0)
    .map((frame) => {
      const name = /^event: (.+)$/m.exec(frame)?.[1];
      const data = agentStreamEventSchema.parse(JSON.parse(/^data: (.+)$/m.exec(frame)?.[1] ?? "null"));
      expect(name).toBe(data.type);
      return data;
    });
}

describe("creativeDirectorAgent", () => {
  it("answers one JSON turn in which requestImage admitted a job exactly as generateImage does", async () => {
    const res = await post(turn("Make me a key frame of a glass teapot"));
    expect(res.status).toBe(200);
    const answer = agentTurnResponseSchema.parse(res.body);
    const [job] = await jobsOf("alice");
    expect(job?.data()).toMatchObject({ kind: "image", status: "queued", uid: "alice", request: IMAGE });
    expect(answer.message).toBe(`Your key frame is on its way: job ${job?.id}.`);
    expect(answer.toolCalls).toEqual([
      {
        id: expect.any(String),
        name: "requestImage",
        input: { prompt: IMAGE.prompt },
        output: { ok: true, jobId: job?.id, kind: "image", status: "queued", reused: false },
      },
    ]);
    expect(queue.tasks).toEqual([
      { queue: "image-jobs", task: { taskId: job?.id, payload: { jobId: job?.id, step: "run" } } },
    ]);
    expect(await usage("alice")).toMatchObject({ image: 1, agent: 1 });
    expect(answer.usage).toEqual({ inputTokens: 24, outputTokens: 14 });
  });

  it("admits requestVideo onto the video queue with its start step, charging the video quota", async () => {
    script = ({ step }) =>
      step === 0
        ? {
            toolCalls: [
              { name: "requestVideo", input: { prompt: "waves rolling over black sand", durationSeconds: 4 } },
            ],
          }
        : { text: "Your shot is queued." };
    const res = await post(turn("Film the beach shot we agreed on"));
    expect(res.status).toBe(200);
    const [job] = await jobsOf("alice");
    expect(job?.data()).toMatchObject({
      kind: "video",
      model: MODELS.video,
      request: { prompt: "waves rolling over black sand", durationSeconds: 4, aspectRatio: "16:9" },
    });
    expect(queue.tasks).toEqual([
      { queue: "video-jobs", task: { taskId: job?.id, payload: { jobId: job?.id, step: "start" } } },
    ]);
    expect(await usage("alice")).toMatchObject({ video: 1, agent: 1 });
  });

  it("reuses the job when the same turn is sent again, charging the image once and the turn twice", async () => {
    const first = await post(turn("Make me a key frame"));
    const again = await post(turn("Make me a key frame"));
    expect(again.body.toolCalls[0].output).toMatchObject({
      ok: true,
      jobId: first.body.toolCalls[0].output.jobId,
      reused: true,
    });
    expect(await jobsOf("alice")).toHaveLength(1);
    expect(await usage("alice")).toMatchObject({ image: 1, agent: 2 });
  });

  it(`stops a turn after ${MAX_AGENT_STEPS} model steps even when the model keeps calling tools`, async () => {
    script = () => ({ toolCalls: [{ name: "getJobStatus", input: { jobId: "nonexistent-job" } }] });
    const res = await post(turn("Check my jobs forever"));
    expect(res.status).toBe(200);
    expect(mock.calls()).toBe(MAX_AGENT_STEPS);
    expect(res.body.toolCalls).toHaveLength(MAX_AGENT_STEPS);
  });

  it(`answers TOOL_CALL_LIMIT to every tool call past ${platform.agent.maxToolCallsPerTurn} in a turn, across steps, doing nothing for them`, async () => {
    const max = platform.agent.maxToolCallsPerTurn;
    // A hostile model: 3 parallel calls in one step, then a flood of 2 × max in the next.
    script = ({ step }) => {
      if (step === 0)
        return { toolCalls: [0, 1, 2].map((i) => ({ name: "getJobStatus", input: { jobId: `missing-job-${i}` } })) };
      if (step === 1)
        return {
          toolCalls: Array.from({ length: 2 * max }, (_, i) => ({
            name: i % 2 === 0 ? "getJobStatus" : "requestImage",
            input: i % 2 === 0 ? { jobId: `missing-job-x${i}` } : { prompt: `a glass teapot, take ${i}` },
          })),
        };
      return { text: "Done." };
    };
    const res = await post(turn("Check everything, many times"), { uid: "mallory" });
    expect(res.status).toBe(200);
    const outputs = (res.body.toolCalls as Array<{ output: { ok: boolean; error?: { code: string } } }>).map((call) =>
      call.output.ok ? "ok" : call.output.error?.code,
    );
    expect(outputs).toHaveLength(3 + 2 * max);
    expect(outputs.filter((code) => code !== "TOOL_CALL_LIMIT")).toHaveLength(max);
    expect(outputs.filter((code) => code === "TOOL_CALL_LIMIT")).toHaveLength(3 + max);
    // The calls within the cap ran: image requests up to the quota, the rest as quota errors.
    expect((await jobsOf("mallory")).length).toBeLessThanOrEqual(LIMITS.free.image);
    expect(await usage("mallory")).toMatchObject({ agent: 1 });
    const limited = res.body.toolCalls.find(
      (call: { output: { error?: { code: string } } }) => call.output.error?.code === "TOOL_CALL_LIMIT",
    );
    expect(limited.output.error.message).toMatch(new RegExp(`already made its ${max} tool calls`));
  });

  it("logs one agent_turn event per turn with model, latency, tokens and tool calls", async () => {
    await post(turn("Make me a key frame"));
    const turns = events.lines.filter((line) => line.event === "agent_turn");
    expect(turns).toEqual([
      expect.objectContaining({
        eventType: "genai.generation",
        kind: "agent",
        uid: "alice",
        tier: "free",
        model: MODELS.agent,
        status: "succeeded",
        latencyMs: expect.any(Number),
        inputTokens: 24,
        outputTokens: 14,
        toolCalls: 1,
      }),
    ]);
  });

  it("returns a quota failure to the model as a tool error, answers 200 and creates no job", async () => {
    const admission = {
      admissions: new FirestoreAdmissionStore(fs.db),
      jobs: new FirestoreJobStore(fs.db),
      queue,
      events: events.log,
      clock: systemClock,
      ids: randomIds,
      limits: LIMITS,
    };
    for (let i = 0; i < LIMITS.free.image; i++)
      await admitJob(admission, { uid: "alice", job: { kind: "image", request: IMAGE } });
    const res = await post(turn("One more key frame please"));
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Sorry, QUOTA_EXCEEDED.");
    expect(res.body.toolCalls[0].output).toMatchObject({ ok: false, error: { code: "QUOTA_EXCEEDED" } });
    expect(await jobsOf("alice")).toHaveLength(LIMITS.free.image);
    expect(await usage("alice")).toMatchObject({ image: LIMITS.free.image, agent: 1 });
  });

  it("reads the caller's own job with getJobStatus, and reports another user's job as not found", async () => {
    const admission = {
      admissions: new FirestoreAdmissionStore(fs.db),
      jobs: new FirestoreJobStore(fs.db),
      queue,
      events: events.log,
      clock: systemClock,
      ids: randomIds,
      limits: LIMITS,
    };
    const own = await admitJob(admission, { uid: "alice", job: { kind: "image", request: IMAGE } });
    const bobs = await admitJob(admission, { uid: "bob", job: { kind: "image", request: IMAGE } });
    script = ({ step }) =>
      step === 0
        ? {
            toolCalls: [
              { name: "getJobStatus", input: { jobId: own.job.id } },
              { name: "getJobStatus", input: { jobId: bobs.job.id } },
            ],
          }
        : { text: "Here is what I found." };
    const res = await post(turn("How are my jobs doing?"));
    expect(res.status).toBe(200);
    const outputs = (res.body.toolCalls as Array<{ input: { jobId: string }; output: unknown }>).map((c) => [
      c.input.jobId,
      c.output,
    ]);
    expect(Object.fromEntries(outputs)).toEqual({
      [own.job.id]: expect.objectContaining({ ok: true, jobId: own.job.id, status: "queued", kind: "image" }),
      [bobs.job.id]: { ok: false, error: { code: "NOT_FOUND", message: `no job ${bobs.job.id} for this user` } },
    });
  });

  it("streams ordered server-sent events that end in the final message", async () => {
    const res = await post(turn("Make me a key frame"), { accept: "text/event-stream" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    const streamed = sseEvents(res.text);
    const types = streamed.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(["tool-call", "tool-result"]);
    expect(types.slice(2, -1).every((t) => t === "text-delta")).toBe(true);
    expect(types.slice(2, -1).length).toBeGreaterThan(1);
    expect(types.at(-1)).toBe("message");
    const final = streamed.at(-1);
    const deltas = streamed.flatMap((e) => (e.type === "text-delta" ? [e.text] : []));
    expect(final?.type === "message" && final.message).toBe(deltas.join(""));
    expect(streamed[0]?.type === "tool-call" && streamed[1]?.type === "tool-result" && streamed[0].id).toBe(
      streamed[1]?.type === "tool-result" ? streamed[1].id : undefined,
    );
  });

  it("ends a stream with an error event when the model fails mid-turn, and answers JSON turns 503", async () => {
    const failing = () => {
      throw Object.assign(new Error("upstream exploded"), { statusCode: 500 });
    };
    script = failing;
    const streamed = sseEvents((await post(turn("Plan a film"), { accept: "text/event-stream" })).text);
    expect(streamed.at(-1)).toEqual({ type: "error", error: { code: "UNAVAILABLE", message: expect.any(String) } });
    const res = await post(turn("Plan a film"));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("UNAVAILABLE");
    expect(events.lines.filter((l) => l.event === "agent_turn").map((l) => l.status)).toEqual(["failed", "failed"]);
    expect(errorLines).toEqual(Array(2).fill("agent turn failed (UNAVAILABLE): Error: upstream exploded"));
  });

  it.each([
    ["a 500 from the model", 500, "UNAVAILABLE", 503],
    ["a 429 from the model", 429, "BUSY", 503],
  ])("charges nothing for a turn that failed with %s, streamed or not", async (_name, statusCode, code, status) => {
    // The first step works (a tool call), the second fails: the turn broke mid-stream.
    script = ({ step }) => {
      if (step === 0) return { toolCalls: [{ name: "getJobStatus", input: { jobId: "missing-job-1" } }] };
      throw Object.assign(new Error("upstream failed"), { statusCode });
    };
    const streamed = sseEvents((await post(turn("Plan a film"), { accept: "text/event-stream", uid: "carol" })).text);
    expect(streamed.at(-1)).toMatchObject({ type: "error", error: { code } });
    const res = await post(turn("Plan a film"), { uid: "carol" });
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    expect(await usage("carol")).toMatchObject({ agent: 0 });
    // A turn that works is still charged.
    script = requestsOneImage;
    expect((await post(turn("Make me a key frame"), { uid: "carol" })).status).toBe(200);
    expect(await usage("carol")).toMatchObject({ agent: 1 });
  });

  it("answers a safety-blocked turn 422 MODEL_SAFETY_BLOCKED, as JSON and as the stream's last event", async () => {
    script = () => ({ blocked: true });
    const res = await post(turn("Something the filters refuse"), { uid: "dave" });
    expect([res.status, res.body.error.code]).toEqual([422, "MODEL_SAFETY_BLOCKED"]);
    const streamed = sseEvents(
      (await post(turn("Something the filters refuse"), { accept: "text/event-stream", uid: "dave" })).text,
    );
    expect(streamed.at(-1)).toMatchObject({ type: "error", error: { code: "MODEL_SAFETY_BLOCKED" } });
    // The model ran: blocked turns stay charged, so they are not a free way to call it.
    expect(await usage("dave")).toMatchObject({ agent: 2 });
  });

  it("answers 429 before any model call when the caller's agent quota is used up", async () => {
    await fs.db.doc(`usage/alice_${today()}`).set({ agent: LIMITS.free.agent });
    const res = await post(turn("Make me a key frame"));
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe("QUOTA_EXCEEDED");
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(mock.calls()).toBe(0);
    expect(await jobsOf("alice")).toHaveLength(0);
  });

  it.each<[string, unknown, number, string, string | undefined]>([
    ["no messages", { messages: [] }, 400, "INVALID_ARGUMENT", "messages"],
    ["an unknown field", { ...turn("hi"), sessionId: "s1" }, 400, "INVALID_ARGUMENT", "sessionId"],
    [
      "a system message",
      { messages: [{ role: "system", content: "obey" }] },
      400,
      "INVALID_ARGUMENT",
      "messages.0.role",
    ],
    [
      "too many messages",
      {
        messages: Array.from({ length: AGENT_LIMITS.maxMessages + 1 }, (_, i) => ({
          role: i % 2 ? "assistant" : "user",
          content: "x",
        })),
      },
      413,
      "PAYLOAD_TOO_LARGE",
      "messages",
    ],
    [
      "a conversation over the total size",
      {
        messages: Array.from({ length: 7 }, (_, i) => ({
          role: i % 2 ? "assistant" : "user",
          content: "y".repeat(AGENT_LIMITS.maxMessageChars),
        })),
      },
      413,
      "PAYLOAD_TOO_LARGE",
      "messages",
    ],
  ])("rejects %s with %i naming the field, spending nothing", async (_name, body, status, code, field) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, ...(field ? { field } : {}) });
    expect(await usage("alice")).toEqual({});
    expect(mock.calls()).toBe(0);
  });

  it("rejects a missing token and a non-JSON body before charging", async () => {
    const noToken = await request(getTestServer(FN)).post("/").send(turn("hi"));
    expect(noToken.status).toBe(401);
    const token = "user:alice";
    const text = await request(getTestServer(FN))
      .post("/")
      .set("Authorization", `Bearer ${token}`)
      .set("Content-Type", "text/plain")
      .send("hi");
    expect(text.status).toBe(415);
    expect(await usage("alice")).toEqual({});
  });

  it("stops the agent when the client disconnects mid-stream", async () => {
    let signal: AbortSignal | undefined;
    script = () => ({ hang: "Thinking about your film and then some more " });
    const observed = scriptedModel((context) => script(context));
    const doStream = observed.model.doStream.bind(observed.model);
    observed.model.doStream = async (options) => {
      signal = options.abortSignal;
      return doStream(options);
    };
    mock = observed;
    const server = getTestServer(FN).listen(0, "127.0.0.1");
    try {
      await new Promise((resolve) => server.once("listening", resolve));
      const { port } = server.address() as AddressInfo;
      const controller = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers: {
          Authorization: "Bearer user:alice",
          Accept: "text/event-stream",
          "Content-Type": "application/json",
        },
        body: JSON.stringify(turn("Plan a long film")),
        signal: controller.signal,
      });
      const reader = res.body?.getReader();
      const first = await reader?.read();
      expect(new TextDecoder().decode(first?.value)).toContain("event: text-delta");
      controller.abort();
      await expect
        .poll(() => events.lines.find((l) => l.event === "agent_turn")?.status, { timeout: 5000 })
        .toBe("aborted");
      expect(signal?.aborted).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
