// Firebase App Check on the spending endpoints, on the production code path: the functions verify
// real RS256 tokens against the local App Check stand-in's JWKS and consume them through its
// verifyAppCheckToken, with the official Firestore emulator behind them. Enforce refuses with
// stable codes and writes nothing; monitor admits and logs; off never looks at the header.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNothingWritten } from "../../test/nothing-written.ts";
import { captureLogLines, type PlatformHarness, startPlatformHarness } from "../../test/platform-harness.ts";
import type { AppCheckGate } from "../domain/app-check-gate.ts";
import { creativeDirectorAgentFunction } from "./agent-endpoints.ts";
import { generateImageFunction, generateVideoFunction, imageWorkerFunction } from "./endpoints.ts";
import type { Services } from "./services.ts";
import { videoWorkerFunction } from "./video-endpoints.ts";

const ORIGIN = "http://localhost:5173";
let h: PlatformHarness;
let logs: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  logs = captureLogLines();
  h = await startPlatformHarness({
    label: "src/composition/app-check.test.ts",
    functions: {
      generateImage: generateImageFunction,
      generateVideo: generateVideoFunction,
      creativeDirectorAgent: (s) => creativeDirectorAgentFunction(s),
      imageWorker: imageWorkerFunction,
      videoWorker: videoWorkerFunction,
    },
    webOrigins: [ORIGIN],
    appCheck: { mode: "enforce" },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  logs?.restore();
});
beforeEach(async () => {
  await h.fs.clear();
  setGates({ mode: "enforce", consume: false });
  logs.lines.length = 0;
});

const SPENDING = [
  ["generateImage", { prompt: "a lighthouse" }],
  ["generateVideo", { prompt: "waves at night" }],
  ["creativeDirectorAgent", { messages: [{ role: "user", content: "plan a poster" }] }],
] as const;
type Spending = (typeof SPENDING)[number][0];

/** Every spending function's gate, switched together (each function has its own services). */
function setGates(settings: Pick<AppCheckGate, "mode" | "consume">) {
  for (const [fn] of SPENDING) Object.assign((h.services[fn] as Services).access.appCheck as AppCheckGate, settings);
}

async function post(fn: Spending, body: unknown, uid: string, appCheck?: string) {
  const response = await fetch(`${h.baseUrl}/${fn}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await h.tokens.token(uid)}`,
      "Content-Type": "application/json",
      "Idempotency-Key": `key-${uid}-${Math.random().toString(36).slice(2)}`,
      ...(appCheck === undefined ? {} : { "X-Firebase-AppCheck": appCheck }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}

const appCheckTokens = {
  missing: async () => undefined,
  forged: async () => h.appCheck?.mint({ foreignKey: true }),
  expired: async () => h.appCheck?.mint({ expiresIn: -60 }),
  "for another project": async () => h.appCheck?.mint({ audience: ["projects/999999999999", "projects/other"] }),
  "not a JWT": async () => "not-a-token",
} as const;

const REFUSALS = [
  ["missing", "APP_CHECK_MISSING"],
  ["forged", "APP_CHECK_INVALID"],
  ["expired", "APP_CHECK_EXPIRED"],
  ["for another project", "APP_CHECK_INVALID"],
  ["not a JWT", "APP_CHECK_INVALID"],
] as const;

describe("enforce", () => {
  it.each(SPENDING.flatMap(([fn, body]) => REFUSALS.map(([kind, code]) => [fn, kind, code, body] as const)))(
    "%s refuses a %s App Check token with 403 %s and writes nothing",
    async (fn, kind, code, body) => {
      const uid = `refused-${fn}-${kind.replaceAll(" ", "-")}`;
      const answer = await post(fn, body, uid, await appCheckTokens[kind]());
      expect(answer).toMatchObject({ status: 403, body: { error: { code } } });
      expect(answer.body.error.message).toMatch(/App Check/);
      await expectNothingWritten(h.fs, uid);
    },
  );

  it.each(SPENDING)("%s admits a request with a valid App Check token", async (fn, body) => {
    const answer = await post(fn, body, `admitted-${fn}`, await h.appCheck?.mint());
    expect(answer.status).toBe(fn === "creativeDirectorAgent" ? 200 : 202);
  });

  it("verifies the signature locally: no App Check API call without replay protection", async () => {
    const before = h.appCheck?.consumeCalls();
    expect(
      (await post("generateImage", { prompt: "a lighthouse" }, "no-consume", await h.appCheck?.mint())).status,
    ).toBe(202);
    expect(h.appCheck?.consumeCalls()).toBe(before);
  });
});

describe("replay protection", () => {
  it.each(SPENDING)(
    "%s accepts a token once and refuses its second use with 403 APP_CHECK_REPLAYED",
    async (fn, body) => {
      setGates({ mode: "enforce", consume: true });
      const token = await h.appCheck?.mint();
      const first = await post(fn, body, `replay-${fn}`, token);
      expect(first.status).toBe(fn === "creativeDirectorAgent" ? 200 : 202);
      const uid = `replayer-${fn}`;
      const second = await post(fn, body, uid, token);
      expect(second).toMatchObject({ status: 403, body: { error: { code: "APP_CHECK_REPLAYED" } } });
      await expectNothingWritten(h.fs, uid);
    },
  );

  it("still refuses a forged token before asking the App Check API", async () => {
    setGates({ mode: "enforce", consume: true });
    const before = h.appCheck?.consumeCalls();
    const answer = await post("generateImage", { prompt: "x" }, "forger", await appCheckTokens.forged());
    expect(answer).toMatchObject({ status: 403, body: { error: { code: "APP_CHECK_INVALID" } } });
    expect(h.appCheck?.consumeCalls()).toBe(before);
  });
});

describe("monitor", () => {
  it.each([
    ["missing", "APP_CHECK_MISSING"],
    ["forged", "APP_CHECK_INVALID"],
    ["expired", "APP_CHECK_EXPIRED"],
  ] as const)("admits a request with a %s token and logs %s at WARNING", async (kind, code) => {
    setGates({ mode: "monitor", consume: false });
    const uid = `monitored-${kind}`;
    const answer = await post("generateImage", { prompt: "a lighthouse" }, uid, await appCheckTokens[kind]());
    expect(answer.status).toBe(202);
    const warnings = logs.lines.filter((line) => line.severity === "WARNING" && line.uid === uid);
    expect(warnings).toEqual([
      expect.objectContaining({ appCheck: { mode: "monitor", code }, function: "generateImage" }),
    ]);
  });

  it("logs nothing for a valid token", async () => {
    setGates({ mode: "monitor", consume: true });
    expect((await post("generateVideo", { prompt: "waves" }, "monitored-valid", await h.appCheck?.mint())).status).toBe(
      202,
    );
    expect(logs.lines.filter((line) => line.uid === "monitored-valid" && line.severity === "WARNING")).toEqual([]);
  });
});

describe("off", () => {
  it("admits a forged token without verifying, consuming or logging it", async () => {
    setGates({ mode: "off", consume: true });
    const before = h.appCheck?.consumeCalls();
    const answer = await post("generateImage", { prompt: "a lighthouse" }, "off", await appCheckTokens.forged());
    expect(answer.status).toBe(202);
    expect(h.appCheck?.consumeCalls()).toBe(before);
    expect(logs.lines.filter((line) => line.uid === "off" && line.severity === "WARNING")).toEqual([]);
  });
});

describe("CORS", () => {
  it.each(SPENDING)("%s allows the X-Firebase-AppCheck header in a preflight", async (fn) => {
    const response = await fetch(`${h.baseUrl}/${fn}`, {
      method: "OPTIONS",
      headers: {
        Origin: ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, x-firebase-appcheck",
      },
    });
    expect(response.status).toBe(204);
    const allowed = (response.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/,\s*/);
    expect(allowed).toContain("x-firebase-appcheck");
  });
});
