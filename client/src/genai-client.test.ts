// The client's retry rules against a scripted HTTP server on 127.0.0.1 (answers the real functions
// give only under load or outage): what is retried, with which key, and how answers are checked.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AgentStreamEvent } from "./api.ts";
import { ClientError, parseRetryAfter } from "./errors.ts";
import { createGenAiClient } from "./genai-client.ts";
import { POLL_SCHEDULES, pollDelayMs } from "./poll.ts";
import { retryDelayMs } from "./retry.ts";

type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { sse: string[]; hold?: boolean }
  | "hang-up";

let server: Server;
let baseUrl: string;
let script: Answer[] = [];
let seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
let closedStreams = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = script.shift() ?? { status: 500 };
      if (answer === "hang-up") return req.socket.destroy();
      if ("sse" in answer) {
        // Each string is written on its own, so frames arrive split across reads.
        res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
        res.on("close", () => closedStreams++);
        for (const [i, chunk] of answer.sse.entries()) setTimeout(() => res.write(chunk), i * 5);
        if (!answer.hold) setTimeout(() => res.end(), answer.sse.length * 5 + 5);
        return;
      }
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  script = [];
  seen = [];
  closedStreams = 0;
});

const client = () =>
  createGenAiClient({
    baseUrl: `${baseUrl}/`,
    getIdToken: async () => "token-1",
    retry: { attempts: 3, baseDelayMs: 10 },
  });
const admitted = { status: 202, body: { jobId: "job-0000000001", status: "queued" } };
const error = (status: number, code: string, retryAfter?: string) => ({
  status,
  body: { error: { code, message: `${code} for the test` } },
  ...(retryAfter ? { headers: { "retry-after": retryAfter } } : {}),
});

describe("createGenAiClient", () => {
  it.each([
    ["503 UNAVAILABLE", error(503, "UNAVAILABLE", "0")],
    ["503 BUSY", error(503, "BUSY", "0")],
    ["429 BUSY", error(429, "BUSY")],
    ["429 RATE_LIMITED", error(429, "RATE_LIMITED", "0")],
    ["a dropped connection", "hang-up" as const],
  ])("retries %s with the same Idempotency-Key and the token", async (_name, first) => {
    script = [first, admitted];
    expect(await client().generateImage({ prompt: "a harbour" })).toEqual(admitted.body);
    expect(seen).toHaveLength(2);
    expect(seen[0]?.url).toBe("/generateImage");
    expect(seen[1]?.headers["idempotency-key"]).toBe(seen[0]?.headers["idempotency-key"]);
    expect(seen[0]?.headers.authorization).toBe("Bearer token-1");
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual({ prompt: "a harbour", aspectRatio: "1:1", imageSize: "1K" });
  });

  it.each([
    ["429 QUOTA_EXCEEDED", error(429, "QUOTA_EXCEEDED", "3600"), 429, "QUOTA_EXCEEDED"],
    ["503 BUDGET_EXHAUSTED", error(503, "BUDGET_EXHAUSTED", "0"), 503, "BUDGET_EXHAUSTED"],
    ["409 CONFLICT", error(409, "CONFLICT"), 409, "CONFLICT"],
    ["401 TOKEN_INVALID", error(401, "TOKEN_INVALID"), 401, "TOKEN_INVALID"],
    ["a 404 page that is not the API's JSON", { status: 404, body: "<html>" }, 404, "HTTP_ERROR"],
  ])("does not retry %s", async (_name, answer, status, code) => {
    script = [answer, admitted];
    const failure = await client()
      .generateImage({ prompt: "a harbour" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ClientError);
    expect(failure).toMatchObject({ status, code });
    expect(seen).toHaveLength(1);
  });

  it("gives up after the configured attempts with the last error", async () => {
    script = [error(503, "BUSY", "0"), error(503, "BUSY", "0"), error(503, "UNAVAILABLE", "0"), admitted];
    await expect(client().generateImage({ prompt: "a harbour" })).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(seen).toHaveLength(3);
  });

  it("does not wait out a Retry-After longer than its longest delay", async () => {
    script = [error(503, "UNAVAILABLE", "120"), admitted];
    await expect(client().generateImage({ prompt: "a harbour" })).rejects.toMatchObject({
      code: "UNAVAILABLE",
      retryAfterSeconds: 120,
    });
    expect(seen).toHaveLength(1);
  });

  it("rejects an answer that does not match the response schema", async () => {
    script = [{ status: 200, body: { jobId: 42 } }];
    await expect(client().getJob("job-0000000001")).rejects.toMatchObject({ status: 0, code: "INVALID_RESPONSE" });
    expect(seen[0]?.url).toBe("/getJob?jobId=job-0000000001");
  });

  it("rejects with ABORTED when the caller cancels a request", async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(client().getUsage({ signal: abort.signal })).rejects.toMatchObject({ code: "ABORTED" });
  });
});

const frame = (event: AgentStreamEvent) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
const turn = [{ role: "user" as const, content: "Plan a coffee launch" }];
const finalMessage = {
  type: "message" as const,
  message: "Here is the plan.",
  toolCalls: [{ id: "call-1", name: "requestImage", input: { prompt: "a cup" }, output: { ok: true } }],
  usage: { inputTokens: 12, outputTokens: 7 },
};

describe("chat", () => {
  it("parses the agent's event stream into typed events, in order, and resolves with the final message", async () => {
    const whole = [
      frame({ type: "text-delta", text: "Here is " }),
      frame({ type: "tool-call", id: "call-1", name: "requestImage", input: { prompt: "a cup" } }),
      frame({ type: "tool-result", id: "call-1", name: "requestImage", output: { ok: true } }),
      frame({ type: "text-delta", text: "the plan." }),
      frame(finalMessage),
    ].join("");
    // Split mid-frame and mid-character: the parser must reassemble both.
    const bytes = [whole.slice(0, 7), whole.slice(7, 61), whole.slice(61, 200), whole.slice(200)];
    script = [{ sse: bytes }];
    const events: AgentStreamEvent[] = [];
    const answer = await client().chat(turn, { onEvent: (e) => events.push(e) });
    expect(events.map((e) => e.type)).toEqual(["text-delta", "tool-call", "tool-result", "text-delta", "message"]);
    expect(events[1]).toEqual({ type: "tool-call", id: "call-1", name: "requestImage", input: { prompt: "a cup" } });
    const { type: _type, ...expected } = finalMessage;
    expect(answer).toEqual(expected);
    expect(seen[0]?.url).toBe("/creativeDirectorAgent");
    expect(seen[0]?.headers.accept).toBe("text/event-stream");
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual({ messages: turn });
  });

  it("reads frames with CRLF line ends, comments and multi-line data", async () => {
    const json = JSON.stringify({ type: "text-delta", text: "hi" });
    const message = JSON.stringify(finalMessage);
    script = [{ sse: [`: keep-alive\r\n\r\nevent: text-delta\r\ndata: ${json}\r\n\r\n`, `data: ${message}\n\n`] }];
    const events: AgentStreamEvent[] = [];
    await client().chat(turn, { onEvent: (e) => events.push(e) });
    expect(events.map((e) => e.type)).toEqual(["text-delta", "message"]);
  });

  it("rejects with the code of an error event", async () => {
    script = [
      {
        sse: [
          frame({ type: "text-delta", text: "Let me" }),
          frame({ type: "error", error: { code: "UNAVAILABLE", message: "the model is unavailable" } }),
        ],
      },
    ];
    await expect(client().chat(turn)).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: "the model is unavailable",
    });
  });

  it("rejects when the stream ends without its final message", async () => {
    script = [{ sse: [frame({ type: "text-delta", text: "Let me" })] }];
    await expect(client().chat(turn)).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    expect(seen).toHaveLength(1);
  });

  it("cancels a turn in flight and closes the connection", async () => {
    script = [{ sse: [frame({ type: "text-delta", text: "Let me think" })], hold: true }];
    const abort = new AbortController();
    const failure = client().chat(turn, {
      signal: abort.signal,
      onEvent: () => abort.abort(),
    });
    await expect(failure).rejects.toMatchObject({ code: "ABORTED" });
    await expect.poll(() => closedStreams).toBe(1);
  });

  it.each([
    ["429 QUOTA_EXCEEDED", error(429, "QUOTA_EXCEEDED", "3600"), "QUOTA_EXCEEDED"],
    ["a dropped connection (the turn may have been charged)", "hang-up" as const, "NETWORK_ERROR"],
  ])("does not repeat a turn refused with %s", async (_name, answer, code) => {
    script = [answer, { sse: [frame(finalMessage)] }];
    await expect(client().chat(turn)).rejects.toMatchObject({ code });
    expect(seen).toHaveLength(1);
  });

  it("repeats a turn answered 503 BUSY before anything was charged", async () => {
    script = [error(503, "BUSY", "0"), { sse: [frame(finalMessage)] }];
    await expect(client().chat(turn)).resolves.toMatchObject({ message: "Here is the plan." });
    expect(seen).toHaveLength(2);
  });

  it("refuses a conversation that does not end with the user's message, without a request", async () => {
    await expect(client().chat([{ role: "assistant", content: "hello" }])).rejects.toMatchObject({
      status: 400,
      code: "INVALID_ARGUMENT",
      field: "messages",
    });
    expect(seen).toHaveLength(0);
  });
});

describe("ID tokens", () => {
  const refreshing = () => {
    const calls: boolean[] = [];
    const c = createGenAiClient({
      baseUrl,
      getIdToken: async (force) => {
        calls.push(force === true);
        return force ? "token-fresh" : "token-stale";
      },
      retry: { attempts: 3, baseDelayMs: 10 },
    });
    return { c, calls };
  };

  it("force-refreshes the ID token once on TOKEN_EXPIRED and repeats the request with it", async () => {
    const usage = { tier: "free", day: "2026-12-02", resetsAt: "2026-12-03T00:00:00.000Z" };
    const kind = { used: 0, limit: 10, remaining: 10 };
    script = [
      error(401, "TOKEN_EXPIRED"),
      { status: 200, body: { ...usage, kinds: { image: kind, video: kind, agent: kind } } },
    ];
    const { c, calls } = refreshing();
    await expect(c.getUsage()).resolves.toMatchObject({ tier: "free" });
    expect(calls).toEqual([false, true]);
    expect(seen.map((s) => s.headers.authorization)).toEqual(["Bearer token-stale", "Bearer token-fresh"]);
  });

  it("keeps the Idempotency-Key across the refresh, and gives up if the fresh token is expired too", async () => {
    script = [error(401, "TOKEN_EXPIRED"), error(401, "TOKEN_EXPIRED"), admitted];
    const { c, calls } = refreshing();
    await expect(c.generateImage({ prompt: "a harbour" })).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
    expect(calls).toEqual([false, true]);
    expect(seen[1]?.headers["idempotency-key"]).toBe(seen[0]?.headers["idempotency-key"]);
  });

  it("refreshes once on TOKEN_REVOKED too, and reports it if the refreshed token is refused as well", async () => {
    script = [error(401, "TOKEN_REVOKED"), error(401, "TOKEN_REVOKED"), admitted];
    const { c, calls } = refreshing();
    await expect(c.generateImage({ prompt: "a harbour" })).rejects.toMatchObject({ code: "TOKEN_REVOKED" });
    expect(calls).toEqual([false, true]);
  });

  it.each(["TOKEN_INVALID", "TOKEN_MISSING"])("does not refresh on %s", async (code) => {
    script = [error(401, code), admitted];
    const { c, calls } = refreshing();
    await expect(c.generateImage({ prompt: "a harbour" })).rejects.toMatchObject({ code });
    expect(calls).toEqual([false]);
  });
});

describe("CORS", () => {
  // What a browser does to a page whose origin the platform does not allow: the CORS request fails
  // like a network error; a no-cors request to the same server gets an opaque answer.
  const browserFetch =
    (serverUp: boolean): typeof fetch =>
    async (_input, init) => {
      if (init?.mode === "no-cors" && serverUp) return new Response(null, { status: 200 });
      throw new TypeError("Failed to fetch");
    };

  it("reports a refused origin as CORS_REFUSED, naming the origin, without retrying", async () => {
    let calls = 0;
    const fetchImpl: typeof fetch = (input, init) => {
      calls++;
      return browserFetch(true)(input, init);
    };
    const c = createGenAiClient({
      baseUrl: "http://127.0.0.1:9/",
      getIdToken: async () => "t",
      fetch: fetchImpl,
      pageOrigin: "http://127.0.0.1:5999",
      retry: { attempts: 4, baseDelayMs: 1 },
    });
    const failure = await c.generateImage({ prompt: "a harbour" }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "CORS_REFUSED", status: 0, retryable: false });
    expect((failure as Error).message).toContain("--web-origin http://127.0.0.1:5999");
    expect(calls).toBe(2);
  });

  it("reports an unreachable server as a retryable NETWORK_ERROR", async () => {
    const c = createGenAiClient({
      baseUrl: "http://127.0.0.1:9/",
      getIdToken: async () => "t",
      fetch: browserFetch(false),
      pageOrigin: "http://127.0.0.1:5999",
      retry: { attempts: 2, baseDelayMs: 1 },
    });
    await expect(c.getUsage()).rejects.toMatchObject({ code: "NETWORK_ERROR", retryable: true });
  });
});

describe("retry and poll pacing", () => {
  it("waits at least what Retry-After says and backs off exponentially with jitter", () => {
    const policy = { attempts: 5, baseDelayMs: 400, maxDelayMs: 10_000 };
    expect(retryDelayMs(policy, 1, 2, () => 0)).toBe(2_000);
    expect([retryDelayMs(policy, 1, 0, () => 0), retryDelayMs(policy, 1, 0, () => 1)]).toEqual([200, 400]);
    expect([retryDelayMs(policy, 3, 0, () => 0), retryDelayMs(policy, 3, 0, () => 1)]).toEqual([800, 1_600]);
    expect(retryDelayMs(policy, 20, undefined, () => 1)).toBe(10_000);
    expect(retryDelayMs(policy, 1, 11)).toBeUndefined();
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(parseRetryAfter("5", now)).toBe(5);
    expect(parseRetryAfter("Wed, 25 Nov 2026 10:00:30 GMT", now)).toBe(30);
    expect([parseRetryAfter(null), parseRetryAfter("soon"), parseRetryAfter("-1")]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("polls images every 1 s growing to 5 s, and videos every 5 s growing to 20 s", () => {
    const delays = (kind: "image" | "video") => [0, 1, 2, 3, 4, 5, 10].map((n) => pollDelayMs(POLL_SCHEDULES[kind], n));
    expect(delays("image")).toEqual([1_000, 1_500, 2_250, 3_375, 5_000, 5_000, 5_000]);
    expect(delays("video")).toEqual([5_000, 7_500, 11_250, 16_875, 20_000, 20_000, 20_000]);
  });

  it("sends a fresh App Check token on every attempt of a spending call, and none to getJob", async () => {
    let issued = 0;
    const attested = createGenAiClient({
      baseUrl,
      getIdToken: async () => "token-1",
      getAppCheckToken: async () => `app-check-${++issued}`,
      retry: { attempts: 3, baseDelayMs: 10 },
    });
    script = [error(503, "UNAVAILABLE", "0"), admitted, { status: 200, body: { bad: "shape" } }];
    await attested.generateImage({ prompt: "a harbour" });
    await attested.getJob("job-0000000001").catch(() => undefined);
    expect(seen.map((r) => r.headers["x-firebase-appcheck"])).toEqual(["app-check-1", "app-check-2", undefined]);
  });
});
