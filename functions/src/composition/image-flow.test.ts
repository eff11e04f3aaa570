// The whole image path in one process, as deployed: the typed client → generateImage, getJob and
// getUsage (real token signatures) → Firestore emulator → local Cloud Tasks server → imageWorker over
// HTTP → local Vertex AI stand-in (faults injected there) → local Cloud Storage → a signed URL.
import { randomBytes } from "node:crypto";
import { createGenAiClient, type GenAiClient } from "@genai-platform/client";
import { ClientError } from "@genai-platform/client/errors";
import { getQueue, MODELS, platform, type TierLimits } from "@genai-platform/definition";
import type { DispatchOutcome } from "@genai-platform/local/dispatcher/queue-dispatcher.ts";
import { imageDimensions } from "@genai-platform/local/vertex/media.ts";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogLines, type PlatformHarness, startPlatformHarness } from "../../test/platform-harness.ts";
import { createGenAi } from "../adapters/vertex/genai-client.ts";
import { VertexImageModel } from "../adapters/vertex/image-model.ts";
import { generateImageFunction, getJobFunction, getUsageFunction, imageWorkerFunction } from "./endpoints.ts";
import { lazy } from "./lazy.ts";

const IMAGE_QUEUE = getQueue("image-jobs");
const MAX_ATTEMPTS = IMAGE_QUEUE.retry.maxAttempts;
/** The image queue as defined, but with a backoff short enough to run every retry in a test. */
const FAST_QUEUE = { ...IMAGE_QUEUE, retry: { ...IMAGE_QUEUE.retry, minBackoff: "0.05s", maxBackoff: "0.2s" } };
const LIMITS: TierLimits = { free: { image: 3, video: 1, agent: 5 }, pro: { image: 10, video: 2, agent: 20 } };
/** The worker's model deadline, shortened from production's so a timeout costs seconds, not minutes. */
const MODEL_TIMEOUT_MS = 1_500;
const FAST_POLL = { image: { firstDelayMs: 100, maxDelayMs: 400, factor: 1.5, timeoutMs: 30_000 } };

let h: PlatformHarness;
let logs: ReturnType<typeof captureLogLines>;
const outcomes: DispatchOutcome[] = [];

beforeAll(async () => {
  logs = captureLogLines();
  h = await startPlatformHarness({
    label: "src/composition/image-flow.test.ts",
    functions: {
      generateImage: generateImageFunction,
      getJob: getJobFunction,
      getUsage: getUsageFunction,
      imageWorker: imageWorkerFunction,
    },
    queues: [FAST_QUEUE],
    tierLimits: LIMITS,
    onOutcome: (outcome) => outcomes.push(outcome),
    adjust: (name, s) => {
      if (name !== "imageWorker") return s;
      const genai = createGenAi({
        project: s.config.project,
        location: "global",
        baseUrl: s.config.local.vertexBaseUrl,
      });
      return {
        ...s,
        imageModel: lazy(() => new VertexImageModel({ genai, model: MODELS.image, timeoutMs: MODEL_TIMEOUT_MS })),
      };
    },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  logs?.restore();
});

interface TestClient {
  client: GenAiClient;
  trace: string;
  /** Requests the client sent (method, function, Idempotency-Key). */
  sent: Array<{ method: string; fn: string; key: string | null }>;
}

/** A client for `uid`; like Google's front end, its transport adds an X-Cloud-Trace-Context header. */
function clientFor(
  uid: string,
  options: { defaultPoll?: boolean; loseFirstAnswer?: boolean; token?: () => Promise<string> } = {},
): TestClient {
  const trace = randomBytes(16).toString("hex");
  const sent: TestClient["sent"] = [];
  let lose = options.loseFirstAnswer ?? false;
  const transport: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set("X-Cloud-Trace-Context", `${trace}/1;o=1`);
    const url = new URL(input instanceof Request ? input.url : String(input));
    sent.push({ method: init?.method ?? "GET", fn: url.pathname.slice(1), key: headers.get("idempotency-key") });
    const response = await fetch(input, { ...init, headers });
    if (lose && init?.method === "POST") {
      // The request reached the function and was admitted, but the answer never arrives.
      lose = false;
      await response.arrayBuffer();
      throw new TypeError("fetch failed");
    }
    return response;
  };
  const client = createGenAiClient({
    baseUrl: h.baseUrl,
    getIdToken: options.token ?? (() => h.tokens.token(uid)),
    fetch: transport,
    retry: { attempts: 3, baseDelayMs: 50 },
    ...(options.defaultPoll ? {} : { poll: FAST_POLL }),
  });
  return { client, trace, sent };
}

const imageRequests = () => h.vertex.stats().byModel[MODELS.image]?.requests ?? 0;
const attemptsOf = (jobId: string) =>
  outcomes.flatMap((o) =>
    o.type === "attempt" && o.task.endsWith(`/tasks/${jobId}`) ? [[o.retryCount, o.status]] : [],
  );
const jobDoc = async (jobId: string) => (await h.fs.db.doc(`jobs/${jobId}`).get()).data();
const eventsOf = (jobId: string) => logs.lines.filter((line) => line.jobId === jobId);

/** Generates an image for `uid` and waits for the job to end; the queue is idle afterwards. */
async function runJob(uid: string, prompt: string, t = clientFor(uid)) {
  const before = imageRequests();
  const admitted = await t.client.generateImage({ prompt });
  const view = await t.client.waitFor(admitted.jobId);
  await h.tasks.idle();
  return { ...t, admitted, view, modelCalls: imageRequests() - before };
}

describe("an image request from the typed client to a signed PNG", () => {
  it("admits, runs and serves the image, and getUsage shows the charge", async () => {
    const { client } = clientFor("ada", { defaultPoll: true });
    const admitted = await client.generate("a lighthouse at dawn", { aspectRatio: "16:9" });
    expect(admitted.status).toBe("queued");
    const seen: string[] = [];
    const view = await client.waitFor(admitted.jobId, { onUpdate: (job) => seen.push(job.status) });
    expect(view).toMatchObject({ jobId: admitted.jobId, kind: "image", status: "succeeded", model: MODELS.image });
    expect(seen.at(-1)).toBe("succeeded");
    expect(view.output?.mimeType).toBe("image/png");

    const image = await fetch(view.output?.url ?? "");
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    const png = PNG.sync.read(Buffer.from(await image.arrayBuffer()));
    expect({ width: png.width, height: png.height }).toEqual(imageDimensions("16:9"));
    expect([...h.storage.objects(h.bucket).keys()]).toContain(`users/ada/images/${admitted.jobId}.png`);

    const usage = await client.getUsage();
    expect(usage).toMatchObject({ tier: "free", kinds: { image: { used: 1, limit: 3, remaining: 2 } } });
    await h.tasks.idle();
    expect(attemptsOf(admitted.jobId)).toEqual([[0, 200]]);
  });

  it("writes one Cloud Logging line per step with the definition's fields and the request's trace", async () => {
    const { admitted, trace } = await runJob("grace", "a paper crane on a desk");
    const lines = eventsOf(admitted.jobId);
    expect(lines.map((l) => [l.event, l.status, l.attempt])).toEqual([
      ["admitted", "queued", undefined],
      ["running", "running", 1],
      ["succeeded", "succeeded", 1],
    ]);
    const fields = platform.generationEvent.fields as Record<string, { type: string; required: boolean }>;
    const envelope = new Set(["severity", "message", "eventType", "logging.googleapis.com/trace"]);
    for (const line of lines) {
      expect(line).toMatchObject({
        severity: "INFO",
        eventType: platform.generationEvent.eventType,
        uid: "grace",
        tier: "free",
        kind: "image",
        model: MODELS.image,
        trace,
        "logging.googleapis.com/trace": `projects/${h.fs.projectId}/traces/${trace}`,
      });
      for (const [key, value] of Object.entries(line)) {
        if (envelope.has(key)) continue;
        const field = fields[key];
        expect(field, `field ${key} is not in the definition`).toBeDefined();
        if (field?.type === "INTEGER") expect(Number.isInteger(value), key).toBe(true);
        else expect(typeof value, key).toBe("string");
      }
      for (const [key, field] of Object.entries(fields)) if (field.required) expect(line[key], key).toBeDefined();
    }
    expect(lines.at(-1)?.latencyMs).toEqual(expect.any(Number));
  });
});

describe("model faults through the Vertex AI stand-in", () => {
  it("retries a 429 through the queue and succeeds on attempt 2, charged once", async () => {
    h.vertex.faults.push({ model: MODELS.image, status: 429 });
    const { admitted, view, modelCalls, client } = await runJob("rate1", "a fox in the snow");
    expect(view.status).toBe("succeeded");
    expect(modelCalls).toBe(2);
    expect(attemptsOf(admitted.jobId)).toEqual([
      [0, 503],
      [1, 200],
    ]);
    expect(await jobDoc(admitted.jobId)).toMatchObject({ status: "succeeded", attempts: 2, refunded: false });
    expect((await client.getUsage()).kinds.image.used).toBe(1);
    expect(eventsOf(admitted.jobId).map((l) => [l.event, l.attempt, l.errorCode])).toEqual([
      ["admitted", undefined, undefined],
      ["running", 1, undefined],
      ["retrying", 1, "MODEL_RATE_LIMITED"],
      ["running", 2, undefined],
      ["succeeded", 2, undefined],
    ]);
  });

  it("fails the job and refunds when the model answers 500 on every attempt", async () => {
    h.vertex.faults.push({ model: MODELS.image, status: 500, times: MAX_ATTEMPTS });
    const { admitted, view, modelCalls, client } = await runJob("down1", "a bridge in fog");
    expect(view).toMatchObject({ status: "failed", error: { code: "MODEL_UNAVAILABLE" } });
    expect(view.output).toBeUndefined();
    expect(modelCalls).toBe(MAX_ATTEMPTS);
    const attempts = attemptsOf(admitted.jobId);
    expect(attempts).toHaveLength(MAX_ATTEMPTS);
    expect(attempts.map(([, status]) => status)).toEqual([...Array(MAX_ATTEMPTS - 1).fill(503), 200]);
    expect(await jobDoc(admitted.jobId)).toMatchObject({ status: "failed", refunded: true, attempts: MAX_ATTEMPTS });
    expect((await client.getUsage()).kinds.image).toMatchObject({ used: 0, remaining: 3 });
    expect(eventsOf(admitted.jobId).at(-1)).toMatchObject({
      event: "failed",
      severity: "ERROR",
      attempt: MAX_ATTEMPTS,
    });
  });

  it.each([
    ["a blocked prompt (promptFeedback)", "a quiet harbour", true],
    ["a blocked image (finishReason IMAGE_SAFETY)", "[safety] something refused", false],
  ])("fails at once and refunds on %s, without a retry", async (_name, prompt, viaFault) => {
    if (viaFault) h.vertex.faults.push({ model: MODELS.image, safety: true });
    const uid = viaFault ? "safe1" : "safe2";
    const { admitted, view, modelCalls, client } = await runJob(uid, prompt);
    expect(view).toMatchObject({ status: "failed", error: { code: "MODEL_SAFETY_BLOCKED" } });
    expect(modelCalls).toBe(1);
    expect(attemptsOf(admitted.jobId)).toEqual([[0, 200]]);
    expect((await client.getUsage()).kinds.image.used).toBe(0);
  });

  it("retries a model call that outlives its deadline", async () => {
    h.vertex.faults.push({ model: MODELS.image, delayMs: MODEL_TIMEOUT_MS + 1_500 });
    const { admitted, view } = await runJob("slow1", "a clock tower at noon");
    expect(view.status).toBe("succeeded");
    expect(attemptsOf(admitted.jobId)).toEqual([
      [0, 503],
      [1, 200],
    ]);
    expect(eventsOf(admitted.jobId).find((l) => l.event === "retrying")).toMatchObject({ errorCode: "MODEL_TIMEOUT" });
  });
});

describe("the imageWorker's door", () => {
  const post = (body: string, headers: Record<string, string>, method = "POST") =>
    fetch(h.urls.imageWorker ?? "", {
      method,
      headers: { "Content-Type": "application/json", ...headers },
      ...(method === "POST" ? { body } : {}),
    });
  const tasksHeaders = (jobId: string, overrides: Record<string, string> = {}) => ({
    "X-CloudTasks-QueueName": "image-jobs",
    "X-CloudTasks-TaskName": jobId,
    "X-CloudTasks-TaskRetryCount": "0",
    "X-CloudTasks-TaskExecutionCount": "1",
    ...overrides,
  });

  it("acknowledges a finished task delivered three more times without calling the model again", async () => {
    const { admitted, client } = await runJob("dup1", "a teapot on a windowsill");
    const before = imageRequests();
    const body = JSON.stringify({ jobId: admitted.jobId, step: "run" });
    const answers = await Promise.all(
      ["0", "0", "1"].map((retry) =>
        post(body, tasksHeaders(admitted.jobId, { "X-CloudTasks-TaskRetryCount": retry })),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ ack: true, reason: "job already succeeded" });
    }
    expect(imageRequests()).toBe(before);
    const objects = [...h.storage.objects(h.bucket).keys()].filter((name) => name.includes(admitted.jobId));
    expect(objects).toHaveLength(1);
    expect((await client.getUsage()).kinds.image.used).toBe(1);
    // Enqueueing the job's task again is refused by name: Cloud Tasks deduplicates it.
    const queue = h.services.generateImage?.queue();
    expect(
      await queue?.enqueue("image-jobs", { taskId: admitted.jobId, payload: { jobId: admitted.jobId, step: "run" } }),
    ).toBe("exists");
  });

  const jobId = "AAAAAAAAAAAAAAAAAAAA";
  const good = JSON.stringify({ jobId, step: "run" });
  it.each<{ name: string; headers: Record<string, string>; body: string; status: number; code: string }>([
    { name: "no Cloud Tasks headers", headers: {}, body: good, status: 403, code: "FORBIDDEN" },
    {
      name: "a queue name but no task name",
      headers: { "X-CloudTasks-QueueName": "image-jobs" },
      body: good,
      status: 403,
      code: "FORBIDDEN",
    },
    {
      name: "another queue's delivery",
      headers: tasksHeaders(jobId, { "X-CloudTasks-QueueName": "video-jobs" }),
      body: good,
      status: 403,
      code: "FORBIDDEN",
    },
    { name: "an empty payload", headers: tasksHeaders(jobId), body: "{}", status: 400, code: "INVALID_ARGUMENT" },
    {
      name: "a malformed job id",
      headers: tasksHeaders(jobId),
      body: JSON.stringify({ jobId: "../../etc" }),
      status: 400,
      code: "INVALID_ARGUMENT",
    },
    {
      name: "an unknown step",
      headers: tasksHeaders(jobId),
      body: JSON.stringify({ jobId, step: "explode" }),
      status: 400,
      code: "INVALID_ARGUMENT",
    },
    {
      name: "an unexpected field",
      headers: tasksHeaders(jobId),
      body: JSON.stringify({ jobId, step: "run", uid: "someone-else" }),
      status: 400,
      code: "INVALID_ARGUMENT",
    },
  ])("rejects $name with $status $code and does no work", async ({ headers, body, status, code }) => {
    const before = imageRequests();
    const answer = await post(body, headers);
    expect(answer.status).toBe(status);
    expect(await answer.json()).toMatchObject({ error: { code } });
    expect(imageRequests()).toBe(before);
  });

  it("answers 405 to anything but POST", async () => {
    const answer = await post("", tasksHeaders(jobId), "GET");
    expect(answer.status).toBe(405);
    expect(answer.headers.get("allow")).toBe("POST");
  });
});

describe("the typed client against the real handlers", () => {
  it("retries a lost answer with the same Idempotency-Key and gets the same job, charged once", async () => {
    const t = clientFor("lost1", { loseFirstAnswer: true });
    const admitted = await t.client.generateImage({ prompt: "a kite over dunes" });
    const posts = t.sent.filter((s) => s.method === "POST");
    expect(posts).toHaveLength(2);
    expect(posts[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[1]?.key).toBe(posts[0]?.key);
    const jobs = await h.fs.db.collection("jobs").where("uid", "==", "lost1").get();
    expect(jobs.docs.map((d) => d.id)).toEqual([admitted.jobId]);
    expect((await t.client.waitFor(admitted.jobId)).status).toBe("succeeded");
    expect((await t.client.getUsage()).kinds.image.used).toBe(1);
  });

  it("keeps a caller's own Idempotency-Key across calls: the second call returns the same job", async () => {
    const { client } = clientFor("keyed1");
    const first = await client.generateImage({ prompt: "a red door" }, { idempotencyKey: "order-0001-image" });
    const again = await client.generateImage({ prompt: "a red door" }, { idempotencyKey: "order-0001-image" });
    expect(again.jobId).toBe(first.jobId);
    await client.waitFor(first.jobId);
    expect((await client.getUsage()).kinds.image.used).toBe(1);
  });

  it("does not retry a spent daily quota: one request, a QUOTA_EXCEEDED error with Retry-After", async () => {
    const t = clientFor("spent1");
    for (let i = 0; i < LIMITS.free.image; i++) await t.client.generateImage({ prompt: `a study of light ${i}` });
    const sentBefore = t.sent.length;
    const error = await t.client.generateImage({ prompt: "one too many" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ status: 429, code: "QUOTA_EXCEEDED", retryable: false });
    expect((error as ClientError).retryAfterSeconds).toBeGreaterThan(0);
    expect(t.sent.length - sentBefore).toBe(1);
    await h.tasks.idle();
  });

  it("does not retry a token the server refuses", async () => {
    const t = clientFor("forged1", { token: () => h.tokens.token("forged1", { foreignKey: true }) });
    await expect(t.client.getUsage()).rejects.toMatchObject({ status: 401, code: "TOKEN_INVALID" });
    expect(t.sent).toHaveLength(1);
  });

  it("checks a request with the shared schema before sending it", async () => {
    const t = clientFor("form1");
    await expect(t.client.generateImage({ prompt: "x" })).rejects.toMatchObject({
      status: 400,
      code: "INVALID_ARGUMENT",
      field: "prompt",
    });
    expect(t.sent).toHaveLength(0);
  });

  it("answers NOT_FOUND when waiting for someone else's job", async () => {
    const { admitted } = await runJob("owner1", "a green lantern");
    const other = clientFor("intruder1");
    await expect(other.client.waitFor(admitted.jobId)).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(other.sent).toHaveLength(1);
  });

  it("gives up waiting with TIMEOUT, and stops at once when the caller aborts", async () => {
    h.vertex.faults.push({ model: MODELS.image, delayMs: 1_000 });
    const { client } = clientFor("patient1");
    const { jobId } = await client.generateImage({ prompt: "a slow sunrise" });
    await expect(client.waitFor(jobId, { timeoutMs: 250 })).rejects.toMatchObject({ status: 0, code: "TIMEOUT" });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 150);
    await expect(client.waitFor(jobId, { signal: abort.signal })).rejects.toMatchObject({ code: "ABORTED" });
    expect((await client.waitFor(jobId)).status).toBe("succeeded");
    await h.tasks.idle();
  });
});
