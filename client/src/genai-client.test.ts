// The client's retry rules against a scripted HTTP server on 127.0.0.1 (answers the real functions
// give only under load or outage): what is retried, with which key, and how answers are checked.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ClientError, parseRetryAfter } from "./errors.ts";
import { createGenAiClient } from "./genai-client.ts";
import { POLL_SCHEDULES, pollDelayMs } from "./poll.ts";
import { retryDelayMs } from "./retry.ts";

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | "hang-up";

let server: Server;
let baseUrl: string;
let script: Answer[] = [];
let seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = script.shift() ?? { status: 500 };
      if (answer === "hang-up") return req.socket.destroy();
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
    ["409 CONFLICT", error(409, "CONFLICT"), 409, "CONFLICT"],
    ["401 TOKEN_EXPIRED", error(401, "TOKEN_EXPIRED"), 401, "TOKEN_EXPIRED"],
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
});
