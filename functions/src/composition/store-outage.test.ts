// A Firestore outage, with the real emulator stopped (its whole process group) and started again on
// the same port: endpoints answer 503 UNAVAILABLE with Retry-After instead of hanging or a 500,
// and the typed client's retries carry a request across the restart. The emulator is this file's
// own, so the shared one keeps serving the other test files.
import { createGenAiClient } from "@genai-platform/client";
import { FirestoreEmulator } from "@genai-platform/local/firestore-emulator.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogLines, type PlatformHarness, startPlatformHarness } from "../../test/platform-harness.ts";
import { generateImageFunction, getJobFunction, getUsageFunction, imageWorkerFunction } from "./endpoints.ts";

let emulator: FirestoreEmulator | undefined;
let port: number;
let h: PlatformHarness;
let logs: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  logs = captureLogLines();
  emulator = await FirestoreEmulator.start();
  port = Number(emulator.host.split(":")[1]);
  h = await startPlatformHarness({
    label: "src/composition/store-outage.test.ts",
    firestoreHost: emulator.host,
    functions: {
      generateImage: generateImageFunction,
      getJob: getJobFunction,
      getUsage: getUsageFunction,
      imageWorker: imageWorkerFunction,
    },
  });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await emulator?.stop();
  logs?.restore();
}, 60_000);

async function call(uid: string, fn: string, init: RequestInit = {}) {
  const response = await fetch(`${h.baseUrl}/${fn}`, {
    ...init,
    headers: { Authorization: `Bearer ${await h.tokens.token(uid)}`, "Content-Type": "application/json" },
  });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.json() };
}

describe("with Firestore stopped", () => {
  it("answers 200 while the store runs, then 503 UNAVAILABLE with Retry-After on every endpoint", async () => {
    expect((await call("ada", "getUsage")).status).toBe(200);
    await emulator?.stop();
    emulator = undefined;

    const answers = await Promise.all([
      call("ada", "getUsage"),
      call("ada", "getJob?jobId=job-that-cannot-be-read"),
      call("ada", "generateImage", { method: "POST", body: JSON.stringify({ prompt: "a lighthouse" }) }),
    ]);
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, body: { error: { code: "UNAVAILABLE" } } });
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
  }, 60_000);

  it("lets the typed client's retries carry a generation across the store's restart", async () => {
    const client = createGenAiClient({
      baseUrl: h.baseUrl,
      getIdToken: () => h.tokens.token("grace"),
      retry: { attempts: 12, baseDelayMs: 200 },
      poll: { image: { firstDelayMs: 100, maxDelayMs: 400, factor: 1.5, timeoutMs: 60_000 } },
    });
    const admitted = client.generateImage({ prompt: "a lighthouse after the storm" });
    emulator = await FirestoreEmulator.start({ port });
    const job = await admitted;
    const view = await client.waitFor(job.jobId);
    expect(view).toMatchObject({ jobId: job.jobId, status: "succeeded" });
    expect(await client.getUsage()).toMatchObject({ kinds: { image: { used: 1 } } });
  }, 120_000);
});
