// Disabled and revoked accounts on the endpoints that spend, with real token signatures: a valid,
// unexpired token of such an account is refused with 401 TOKEN_REVOKED and nothing is charged,
// within the revocation cache's lifetime (REVOCATION_CACHE_MS) of the change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogLines, type PlatformHarness, startPlatformHarness } from "../../test/platform-harness.ts";
import { creativeDirectorAgentFunction } from "./agent-endpoints.ts";
import { generateImageFunction, generateVideoFunction, getUsageFunction, imageWorkerFunction } from "./endpoints.ts";
import { videoWorkerFunction } from "./video-endpoints.ts";

let h: PlatformHarness;
let logs: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  logs = captureLogLines();
  h = await startPlatformHarness({
    label: "src/composition/revoked-users.test.ts",
    functions: {
      generateImage: generateImageFunction,
      generateVideo: generateVideoFunction,
      creativeDirectorAgent: (s) => creativeDirectorAgentFunction(s),
      getUsage: getUsageFunction,
      imageWorker: imageWorkerFunction,
      videoWorker: videoWorkerFunction,
    },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  logs?.restore();
});

const SPENDING = [
  ["generateImage", { prompt: "a lighthouse" }],
  ["generateVideo", { prompt: "waves at night" }],
  ["creativeDirectorAgent", { messages: [{ role: "user", content: "plan a poster" }] }],
] as const;

async function post(fn: string, body: unknown, token: string) {
  const response = await fetch(`${h.baseUrl}/${fn}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}

async function usage(uid: string) {
  const response = await fetch(`${h.baseUrl}/getUsage`, {
    headers: { Authorization: `Bearer ${await h.tokens.token(uid)}` },
  });
  return (await response.json()) as { kinds: Record<string, { used: number }> };
}

describe("an account disabled or revoked while its token is still valid", () => {
  it.each(SPENDING)("%s answers 401 TOKEN_REVOKED for a disabled account and charges nothing", async (fn, body) => {
    const uid = `disabled-${fn}`;
    h.accounts.disable(uid);
    const answer = await post(fn, body, await h.tokens.token(uid));
    expect(answer).toMatchObject({ status: 401, body: { error: { code: "TOKEN_REVOKED" } } });
    const used = (await usage(uid)).kinds;
    expect([used.image?.used, used.video?.used, used.agent?.used]).toEqual([0, 0, 0]);
  });

  it("refuses a token signed in before the sessions were revoked and accepts one signed in after", async () => {
    const now = Math.floor(Date.now() / 1000);
    h.accounts.revoke("revoked", new Date((now - 5) * 1000));
    const before = await post(
      "generateImage",
      { prompt: "a lighthouse" },
      await h.tokens.token("revoked", { authTime: now - 10 }),
    );
    expect(before).toMatchObject({ status: 401, body: { error: { code: "TOKEN_REVOKED" } } });
    const after = await post(
      "generateImage",
      { prompt: "a lighthouse" },
      await h.tokens.token("revoked", { authTime: now - 1 }),
    );
    expect(after.status).toBe(202);
  });

  it("looks an account up once for a burst of requests, then answers from the cache", async () => {
    const token = await h.tokens.token("burst");
    const answers = await Promise.all(
      Array.from({ length: 3 }, () => post("generateImage", { prompt: "a lighthouse" }, token)),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect((await post("generateImage", { prompt: "a lighthouse" }, token)).status).toBe(202);
    expect(h.accounts.lookups("burst")).toBe(1);
  });

  it("does not look the account up for endpoints that do not spend", async () => {
    await usage("reader");
    expect(h.accounts.lookups("reader")).toBe(0);
  });
});
