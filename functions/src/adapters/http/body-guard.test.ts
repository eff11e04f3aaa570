// The body guard in front of functions-framework's real server, over real sockets on 127.0.0.1:
// oversized bodies are refused before they are read in full, malformed ones get our JSON error.
import { createServer, type RequestListener, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { guardBodies } from "./body-guard.ts";
import { httpsFunction } from "./https-function.ts";
import { jsonBody } from "./request-parsing.ts";

const LIMIT = 1024;
let server: Server;
let port: number;
let unguarded: Server;
let unguardedPort: number;

beforeAll(async () => {
  http(
    "bodyGuardEcho",
    httpsFunction({
      methods: ["POST"],
      origins: () => [],
      handle: async (ctx) => ({
        status: 200,
        body: { got: jsonBody(ctx, z.object({ prompt: z.string() })), bytes: ctx.bodyBytes },
      }),
    }),
  );
  const app = getTestServer("bodyGuardEcho").listeners("request")[0] as RequestListener;
  server = createServer(guardBodies(app, LIMIT));
  unguarded = createServer(app);
  port = await listen(server);
  unguardedPort = await listen(unguarded);
});
afterAll(async () => {
  await Promise.all([server, unguarded].map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(s: Server): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return (s.address() as AddressInfo).port;
}

/** Sends `head` (and optionally more) on a raw socket and resolves with the full answer once the server closes it. */
function rawExchange(head: string, then?: (write: (data: string | Buffer) => void) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (data) => {
      answer += data.toString("utf8");
    });
    socket.on("error", (error) => (answer ? resolve(answer) : reject(error)));
    socket.on("close", () => resolve(answer));
    socket.write(head);
    then?.((data) => {
      if (!socket.destroyed) socket.write(data);
    });
  });
}

const post = (
  body: string | Uint8Array,
  contentType = "application/json",
  headers: Record<string, string> = {},
  to = port,
) => fetch(`http://127.0.0.1:${to}/`, { method: "POST", headers: { "Content-Type": contentType, ...headers }, body });

describe("the body guard", () => {
  it("refuses a declared 30 MB body with 413 JSON without waiting for a byte of it", async () => {
    // Only the headers are ever sent: an answer proves nothing was buffered first.
    const answer = await rawExchange(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 31457280\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({
      error: { code: "PAYLOAD_TOO_LARGE" },
    });
  });

  it("stops reading a chunked body as soon as it passes the limit, and answers 413", async () => {
    const chunk = Buffer.alloc(LIMIT, "a");
    // Two chunks of LIMIT bytes each, and the body is never finished: the answer comes anyway.
    const answer = await rawExchange(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      (write) => {
        for (let i = 0; i < 2; i++)
          write(Buffer.concat([Buffer.from(`${LIMIT.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]));
      },
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"PAYLOAD_TOO_LARGE"');
  });

  it.each<{
    name: string;
    body: string | Uint8Array;
    type?: string;
    headers?: Record<string, string>;
    status: number;
    code: string;
  }>([
    { name: "invalid JSON", body: '{"prompt":', status: 400, code: "INVALID_JSON" },
    { name: "a JSON null", body: "null", status: 400, code: "INVALID_ARGUMENT" },
    { name: "a bare JSON string", body: '"a lighthouse"', status: 400, code: "INVALID_ARGUMENT" },
    { name: "a JSON array", body: "[1,2]", status: 400, code: "INVALID_ARGUMENT" },
    {
      name: "bytes that are not UTF-8",
      body: new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      status: 400,
      code: "INVALID_JSON",
    },
    {
      name: "a Latin-1 charset",
      body: '{"prompt":"caf\u00e9"}',
      type: "application/json; charset=iso-8859-1",
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
    },
    {
      name: "a UTF-16 charset",
      body: '{"prompt":"x"}',
      type: "application/json; charset=utf-16",
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
    },
    {
      name: "a gzip-compressed body",
      body: "x",
      headers: { "Content-Encoding": "gzip" },
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
    },
    { name: "a text body", body: "hello", type: "text/plain", status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    {
      name: "a body one byte over the limit",
      body: JSON.stringify({ prompt: "x".repeat(LIMIT) }),
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
    },
  ])("answers $name with $status $code as JSON", async ({ body, type, headers, status, code }) => {
    const res = await post(body, type, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
  });

  it("hands a valid UTF-8 JSON body to the function unchanged", async () => {
    const body = JSON.stringify({ prompt: "caf\u00e9 \u{1F600}" });
    const res = await post(body, "application/json; charset=UTF-8");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: { prompt: "caf\u00e9 \u{1F600}" }, bytes: Buffer.byteLength(body) });
  });

  it("is what stands between a malformed body and functions-framework's HTML error page", async () => {
    const res = await post('{"prompt":', "application/json", {}, unguardedPort);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  });
});
