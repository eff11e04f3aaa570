// The pre-admission gate on the endpoints that spend, with real token signatures and the official
// Firestore emulator: the sign-in policy, a suspension and the kill switch refuse with stable codes
// and nothing is written, charged or enqueued; lifting them admits again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNothingWritten as expectNothingWrittenIn } from "../../test/nothing-written.ts";
import { captureLogLines, type PlatformHarness, startPlatformHarness } from "../../test/platform-harness.ts";
import { KILL_SWITCH_CACHE_MS } from "../adapters/firestore/firestore-access-controls.ts";
import { PAUSED_RETRY_AFTER_SECONDS } from "../domain/access-policy.ts";
import { creativeDirectorAgentFunction } from "./agent-endpoints.ts";
import { generateImageFunction, generateVideoFunction, getUsageFunction, imageWorkerFunction } from "./endpoints.ts";
import type { Services } from "./services.ts";
import { videoWorkerFunction } from "./video-endpoints.ts";

let h: PlatformHarness;
let logs: ReturnType<typeof captureLogLines>;
// A stack that allows these providers only (anonymous refused), as prod might configure it.
const restricted = (s: Services): Services => ({
  ...s,
  access: {
    ...s.access,
    policy: { providers: ["custom", "password", "google.com"], requireEmailVerified: false },
  },
});

beforeAll(async () => {
  logs = captureLogLines();
  h = await startPlatformHarness({
    label: "src/composition/access-controls.test.ts",
    functions: {
      generateImage: generateImageFunction,
      generateVideo: generateVideoFunction,
      creativeDirectorAgent: (s) => creativeDirectorAgentFunction(s),
      getUsage: getUsageFunction,
      imageWorker: imageWorkerFunction,
      videoWorker: videoWorkerFunction,
    },
    adjust: (_name, s) => restricted(s),
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  logs?.restore();
});
beforeEach(async () => {
  await h.fs.clear();
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
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: text.startsWith("{") ? JSON.parse(text) : text,
  };
}

const expectNothingWritten = (uid: string) => expectNothingWrittenIn(h.fs, uid);

describe("the sign-in policy", () => {
  it.each(SPENDING)(
    "%s refuses a provider the stack does not allow with 403 SIGN_IN_PROVIDER_NOT_ALLOWED",
    async (fn, body) => {
      const uid = `anon-${fn}`;
      const answer = await post(fn, body, await h.tokens.token(uid, { signInProvider: "anonymous" }));
      expect(answer).toMatchObject({ status: 403, body: { error: { code: "SIGN_IN_PROVIDER_NOT_ALLOWED" } } });
      await expectNothingWritten(uid);
    },
  );

  it("refuses an unverified email with 403 EMAIL_NOT_VERIFIED when the stack requires it, and admits a verified one", async () => {
    const s = h.services.generateImage as Services;
    const saved = s.access.policy;
    s.access.policy = { ...saved, requireEmailVerified: true };
    try {
      const refused = await post(
        "generateImage",
        { prompt: "a lighthouse" },
        await h.tokens.token("unverified", { signInProvider: "password", emailVerified: false }),
      );
      expect(refused).toMatchObject({ status: 403, body: { error: { code: "EMAIL_NOT_VERIFIED" } } });
      await expectNothingWritten("unverified");
      const admitted = await post(
        "generateImage",
        { prompt: "a lighthouse" },
        await h.tokens.token("verified", { signInProvider: "password", emailVerified: true }),
      );
      expect(admitted.status).toBe(202);
    } finally {
      s.access.policy = saved;
    }
  });
});

describe("a suspended account", () => {
  it.each(SPENDING)("%s answers 403 ACCOUNT_SUSPENDED with the reason from the next request on", async (fn, body) => {
    const uid = `suspended-${fn}`;
    await h.fs.db.doc(`users/${uid}`).set({
      tier: "pro",
      suspended: { reason: "chargeback", at: new Date().toISOString(), by: "ops@example.com" },
    });
    const answer = await post(fn, body, await h.tokens.token(uid));
    expect(answer).toMatchObject({ status: 403, body: { error: { code: "ACCOUNT_SUSPENDED" } } });
    expect(answer.body.error.message).toContain("chargeback");
    await expectNothingWritten(uid);
  });

  it("is admitted again as soon as the suspension is lifted", async () => {
    const token = await h.tokens.token("lifted");
    await h.fs.db.doc("users/lifted").set({ suspended: { at: new Date().toISOString(), by: "ops" } });
    expect((await post("generateImage", { prompt: "a lighthouse" }, token)).status).toBe(403);
    await h.fs.db.doc("users/lifted").set({ tier: "free" });
    expect((await post("generateImage", { prompt: "a lighthouse" }, token)).status).toBe(202);
  });
});

describe("the kill switch", () => {
  it("answers 503 GENERATION_PAUSED with Retry-After for a paused kind only, and admits it again on resume", async () => {
    // Each instance caches the switch for KILL_SWITCH_CACHE_MS: the test waits that out after each change.
    await h.fs.db.doc("controls/generation").set({ paused: { image: true, video: false, agent: false } });
    await new Promise((resolve) => setTimeout(resolve, KILL_SWITCH_CACHE_MS + 100));
    const paused = await post("generateImage", { prompt: "a lighthouse" }, await h.tokens.token("paused-image"));
    expect(paused).toMatchObject({
      status: 503,
      retryAfter: String(PAUSED_RETRY_AFTER_SECONDS),
      body: { error: { code: "GENERATION_PAUSED" } },
    });
    await expectNothingWritten("paused-image");
    const video = await post("generateVideo", { prompt: "waves" }, await h.tokens.token("paused-image"));
    expect(video.status).toBe(202);

    await h.fs.db.doc("controls/generation").set({ paused: { image: false, video: false, agent: false } });
    await new Promise((resolve) => setTimeout(resolve, KILL_SWITCH_CACHE_MS + 100));
    expect((await post("generateImage", { prompt: "a lighthouse" }, await h.tokens.token("resumed"))).status).toBe(202);
  });
});
