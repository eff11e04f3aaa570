import { imageRequestSchema, videoRequestSchema } from "@genai-platform/client/api";
import type { TierLimits } from "@genai-platform/definition";
import { http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { capturedEvents } from "../../../test/captured-events.ts";
import { testFirestore } from "../../../test/firestore.ts";
import { type IdTokens, startIdTokens } from "../../../test/id-tokens.ts";
import { RecordingQueue } from "../../../test/recording-queue.ts";
import { OPEN_SIGN_IN_POLICY } from "../../domain/access-policy.ts";
import type { AdmissionDeps } from "../../domain/admission.ts";
import type { DailyBudget } from "../../domain/budget.ts";
import type { BlobStore } from "../../ports/index.ts";
import { FirebaseIdentityVerifier } from "../auth/firebase-identity-verifier.ts";
import { FirestoreAccessControls } from "../firestore/firestore-access-controls.ts";
import { FirestoreAdmissionStore } from "../firestore/firestore-admission-store.ts";
import { FirestoreJobStore } from "../firestore/firestore-job-store.ts";
import { FirestoreUsageReader } from "../firestore/firestore-usage-reader.ts";
import { randomIds, systemClock } from "../system/system.ts";
import { generateJobHandler } from "./endpoints/generate-job.ts";
import { getJobHandler } from "./endpoints/get-job.ts";
import { getUsageHandler } from "./endpoints/get-usage.ts";
import { httpsFunction } from "./https-function.ts";

const LIMITS: TierLimits = { free: { image: 2, video: 1, agent: 3 }, pro: { image: 5, video: 2, agent: 10 } };
const ORIGIN = "https://studio.example.com";
const GOOD_IMAGE = { prompt: "a lighthouse in a storm", aspectRatio: "16:9" };

/** Blob store for endpoint tests: signed URLs are not what these tests are about. */
const urlOnlyBlobs: BlobStore = {
  put: async () => {},
  signedReadUrl: async (path, ttl) => ({
    url: `https://media.example/${path}`,
    expiresAt: new Date(Date.now() + ttl * 1000),
  }),
};

describe("the HTTPS endpoints", () => {
  const fs = testFirestore("src/adapters/http/endpoints.test.ts");
  const app = initializeApp({ projectId: fs.projectId }, `endpoints-${Date.now()}`);
  let tokens: IdTokens;
  let queue: RecordingQueue;
  let events: ReturnType<typeof capturedEvents>;
  /** The stack's daily budget as the admission sees it; a test that sets it unsets it. */
  let budget: DailyBudget | undefined;
  const fnName = (base: string) => `${base}Test`;

  beforeAll(async () => {
    // Every account is active: Identity Toolkit cannot run here (revocation: revoked-users.test.ts).
    const identity = new FirebaseIdentityVerifier(() => getAuth(app), { lookup: async () => ({ disabled: false }) });
    tokens = await startIdTokens(fs.projectId, (token) => identity.verify(token));
    const jobs = new FirestoreJobStore(fs.db);
    const admission = (): AdmissionDeps => ({
      admissions: new FirestoreAdmissionStore(fs.db),
      jobs,
      queue,
      events: events.log,
      clock: systemClock,
      ids: randomIds,
      limits: LIMITS,
      ...(budget ? { budget } : {}),
    });
    const origins = () => [ORIGIN];
    const access = { policy: OPEN_SIGN_IN_POLICY, controls: new FirestoreAccessControls(() => fs.db) };
    http(
      fnName("generateImage"),
      httpsFunction({
        methods: ["POST"],
        origins,
        handle: generateJobHandler("image", imageRequestSchema, { identity, admission, access }),
      }),
    );
    http(
      fnName("generateVideo"),
      httpsFunction({
        methods: ["POST"],
        origins,
        handle: generateJobHandler("video", videoRequestSchema, { identity, admission, access }),
      }),
    );
    http(
      fnName("getJob"),
      httpsFunction({
        methods: ["GET"],
        origins,
        handle: getJobHandler({ identity, jobs: () => jobs, blobs: () => urlOnlyBlobs, signedUrlTtlSeconds: 600 }),
      }),
    );
    http(
      fnName("getUsage"),
      httpsFunction({
        methods: ["GET"],
        origins,
        handle: getUsageHandler({
          identity,
          usage: () => new FirestoreUsageReader(fs.db),
          clock: systemClock,
          limits: LIMITS,
        }),
      }),
    );
  });
  beforeEach(async () => {
    await fs.clear();
    queue = new RecordingQueue();
    events = capturedEvents();
  });
  afterAll(async () => {
    await fs.close();
  });

  const call = (fn: string) => request(getTestServer(fnName(fn)));
  const nothingWritten = async () => {
    const [jobs, usage, keys] = await Promise.all(
      ["jobs", "usage", "idempotencyKeys"].map(async (c) => (await fs.db.collection(c).get()).size),
    );
    expect({ jobs, usage, keys, tasks: queue.tasks.length }).toEqual({ jobs: 0, usage: 0, keys: 0, tasks: 0 });
  };

  describe("rejects bad requests with a stable code, naming the field, and changes nothing", () => {
    type Case = {
      name: string;
      fn: string;
      method?: "post" | "get" | "put" | "delete" | "patch";
      path?: string;
      token?: (t: IdTokens) => Promise<string | undefined>;
      auth?: string;
      type?: string;
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
      status: number;
      code: string;
      field?: string;
    };
    const valid = (t: IdTokens) => t.token("alice");
    const longPrompt = "x".repeat(4001);
    const video = { prompt: "waves at dusk" };
    const cases: Case[] = [
      {
        name: "no Authorization header",
        fn: "generateImage",
        token: async () => undefined,
        body: GOOD_IMAGE,
        status: 401,
        code: "TOKEN_MISSING",
      },
      {
        name: "a Basic Authorization header",
        fn: "generateImage",
        auth: "Basic YWxpY2U6c2VjcmV0",
        body: GOOD_IMAGE,
        status: 401,
        code: "TOKEN_MALFORMED",
      },
      {
        name: "a bearer token that is no JWT",
        fn: "generateImage",
        auth: "Bearer not-a-jwt",
        body: GOOD_IMAGE,
        status: 401,
        code: "TOKEN_INVALID",
      },
      {
        name: "an expired token",
        fn: "generateImage",
        token: (t) => t.token("alice", { expiresIn: -60 }),
        body: GOOD_IMAGE,
        status: 401,
        code: "TOKEN_EXPIRED",
      },
      {
        name: "a token for another project",
        fn: "generateImage",
        token: (t) => t.token("alice", { audience: "someone-else" }),
        body: GOOD_IMAGE,
        status: 401,
        code: "TOKEN_INVALID",
      },
      {
        name: "a token from another issuer",
        fn: "generateImage",
        token: (t) => t.token("alice", { issuer: "https://evil.example" }),
        body: GOOD_IMAGE,
        status: 401,
        code: "TOKEN_INVALID",
      },
      {
        name: "a token with an unknown key id",
        fn: "generateImage",
        token: (t) => t.token("alice", { kid: "rotated-away" }),
        body: GOOD_IMAGE,
        status: 401,
        code: "TOKEN_INVALID",
      },
      {
        name: "a token signed by a foreign key",
        fn: "generateImage",
        token: (t) => t.token("alice", { foreignKey: true }),
        body: GOOD_IMAGE,
        status: 401,
        code: "TOKEN_INVALID",
      },
      {
        name: "an unsigned (alg none) token",
        fn: "generateImage",
        auth: `Bearer ${unsignedToken()}`,
        body: GOOD_IMAGE,
        status: 401,
        code: "TOKEN_INVALID",
      },
      { name: "GET on generateImage", fn: "generateImage", method: "get", status: 405, code: "METHOD_NOT_ALLOWED" },
      {
        name: "PUT on generateImage",
        fn: "generateImage",
        method: "put",
        body: GOOD_IMAGE,
        status: 405,
        code: "METHOD_NOT_ALLOWED",
      },
      {
        name: "DELETE on generateVideo",
        fn: "generateVideo",
        method: "delete",
        status: 405,
        code: "METHOD_NOT_ALLOWED",
      },
      {
        name: "a text/plain body",
        fn: "generateImage",
        type: "text/plain",
        raw: "draw a cat",
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
        field: "Content-Type",
      },
      {
        name: "a form-encoded body",
        fn: "generateImage",
        type: "application/x-www-form-urlencoded",
        raw: "prompt=cat",
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
        field: "Content-Type",
      },
      {
        name: "an octet-stream body",
        fn: "generateImage",
        type: "application/octet-stream",
        raw: "\u0000\u0001",
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
        field: "Content-Type",
      },
      {
        name: "a body over 64 KiB",
        fn: "generateImage",
        body: { prompt: "y".repeat(70_000) },
        status: 413,
        code: "PAYLOAD_TOO_LARGE",
      },
      { name: "a JSON array body", fn: "generateImage", body: [GOOD_IMAGE], status: 400, code: "INVALID_ARGUMENT" },
      {
        name: "a missing prompt",
        fn: "generateImage",
        body: { aspectRatio: "1:1" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "prompt",
      },
      {
        name: "a two-character prompt",
        fn: "generateImage",
        body: { prompt: "ab" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "prompt",
      },
      {
        name: "a whitespace-only prompt",
        fn: "generateImage",
        body: { prompt: "      " },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "prompt",
      },
      {
        name: "a prompt over 4000 characters",
        fn: "generateImage",
        body: { prompt: longPrompt },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "prompt",
      },
      {
        name: "a numeric prompt",
        fn: "generateImage",
        body: { prompt: 42 },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "prompt",
      },
      {
        name: "an unsupported aspect ratio",
        fn: "generateImage",
        body: { ...GOOD_IMAGE, aspectRatio: "7:3" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "aspectRatio",
      },
      {
        name: "a numeric aspect ratio",
        fn: "generateImage",
        body: { ...GOOD_IMAGE, aspectRatio: 1.5 },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "aspectRatio",
      },
      {
        name: "an unsupported image size",
        fn: "generateImage",
        body: { ...GOOD_IMAGE, imageSize: "8K" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "imageSize",
      },
      {
        name: "an unknown field",
        fn: "generateImage",
        body: { ...GOOD_IMAGE, seed: 7 },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "seed",
      },
      {
        name: "a too-short Idempotency-Key",
        fn: "generateImage",
        body: GOOD_IMAGE,
        headers: { "Idempotency-Key": "abc" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "Idempotency-Key",
      },
      {
        name: "an Idempotency-Key with spaces",
        fn: "generateImage",
        body: GOOD_IMAGE,
        headers: { "Idempotency-Key": "my key with spaces" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "Idempotency-Key",
      },
      {
        name: "a video duration Veo does not offer",
        fn: "generateVideo",
        body: { ...video, durationSeconds: 5 },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "durationSeconds",
      },
      {
        name: "a square video",
        fn: "generateVideo",
        body: { ...video, aspectRatio: "1:1" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "aspectRatio",
      },
      {
        name: "a 4k video",
        fn: "generateVideo",
        body: { ...video, resolution: "4k" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "resolution",
      },
      {
        name: "a string for generateAudio",
        fn: "generateVideo",
        body: { ...video, generateAudio: "yes" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "generateAudio",
      },
      {
        name: "a negative prompt over 1000 characters",
        fn: "generateVideo",
        body: { ...video, negativePrompt: "n".repeat(1001) },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "negativePrompt",
      },
      {
        name: "a video without a prompt",
        fn: "generateVideo",
        body: { durationSeconds: 8 },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "prompt",
      },
      {
        name: "an image body sent to generateVideo",
        fn: "generateVideo",
        body: { ...GOOD_IMAGE, imageSize: "1K" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "imageSize",
      },
      {
        name: "getJob without a job id",
        fn: "getJob",
        method: "get",
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "jobId",
      },
      {
        name: "getJob with a path-like job id",
        fn: "getJob",
        method: "get",
        path: "?jobId=..%2Fusers%2Fbob",
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "jobId",
      },
      {
        name: "getJob for a job that does not exist",
        fn: "getJob",
        method: "get",
        path: "?jobId=doesNotExist123",
        status: 404,
        code: "NOT_FOUND",
        field: "jobId",
      },
      // Values that pass the shape checks but that Firestore would refuse.
      {
        name: "getJob for an id Firestore reserves",
        fn: "getJob",
        method: "get",
        path: "?jobId=__reserved__",
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "jobId",
      },
      {
        name: "a prompt with a lone surrogate",
        fn: "generateImage",
        body: { prompt: "a lighthouse \uD800 in a storm" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "prompt",
      },
      {
        name: "a negative prompt with a lone low surrogate",
        fn: "generateVideo",
        body: { ...video, negativePrompt: "no \uDC00 people" },
        status: 400,
        code: "INVALID_ARGUMENT",
        field: "negativePrompt",
      },
      ...["a/b", "..", ".", "__admin__"].flatMap((uid): Case[] => [
        {
          name: `a token whose uid is ${JSON.stringify(uid)} on generateImage`,
          fn: "generateImage",
          token: (t) => t.token(uid),
          body: GOOD_IMAGE,
          status: 400,
          code: "INVALID_ARGUMENT",
          field: "uid",
        },
        {
          name: `a token whose uid is ${JSON.stringify(uid)} on getUsage`,
          fn: "getUsage",
          method: "get",
          token: (t) => t.token(uid),
          status: 400,
          code: "INVALID_ARGUMENT",
          field: "uid",
        },
      ]),
      { name: "POST on getJob", fn: "getJob", body: {}, status: 405, code: "METHOD_NOT_ALLOWED" },
      { name: "POST on getUsage", fn: "getUsage", body: {}, status: 405, code: "METHOD_NOT_ALLOWED" },
      {
        name: "getUsage without a token",
        fn: "getUsage",
        method: "get",
        token: async () => undefined,
        status: 401,
        code: "TOKEN_MISSING",
      },
      {
        name: "a preflight from an origin that is not allowed",
        fn: "generateImage",
        method: "options" as never,
        headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
        status: 403,
        code: "FORBIDDEN",
      },
    ];

    it.each(cases)("$name → $status $code", async (c) => {
      let req = (call(c.fn) as unknown as Record<string, (path: string) => request.Test>)[c.method ?? "post"]!(
        `/${c.path ?? ""}`,
      );
      const token = c.auth ?? (await (c.token ?? valid)(tokens).then((t) => (t ? `Bearer ${t}` : undefined)));
      if (token) req = req.set("Authorization", token);
      for (const [name, value] of Object.entries(c.headers ?? {})) req = req.set(name, value);
      if (c.raw !== undefined) req = req.set("Content-Type", c.type ?? "text/plain").send(c.raw);
      else if (c.body !== undefined) req = req.set("Content-Type", "application/json").send(JSON.stringify(c.body));
      const res = await req;
      expect(res.status).toBe(c.status);
      expect(res.body.error).toMatchObject({ code: c.code, ...(c.field ? { field: c.field } : {}) });
      expect(typeof res.body.error.message).toBe("string");
      expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at |node_modules/);
      await nothingWritten();
    });
  });

  it("admits a valid request: 202 with the job id, one charge, one task", async () => {
    const res = await call("generateImage")
      .post("/")
      .set("Authorization", `Bearer ${await tokens.token("alice")}`)
      .set("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=1")
      .send(GOOD_IMAGE);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ jobId: expect.any(String), status: "queued" });
    expect(queue.tasks.map((t) => t.task.taskId)).toEqual([res.body.jobId]);
    expect(events.lines[0]).toMatchObject({
      event: "admitted",
      uid: "alice",
      "logging.googleapis.com/trace": `projects/demo-project/traces/105445aa7843bc8bf206b12000100000`,
    });
  });

  it("replays an Idempotency-Key: same job, marked as replayed, charged once", async () => {
    const send = async () =>
      call("generateImage")
        .post("/")
        .set("Authorization", `Bearer ${await tokens.token("alice")}`)
        .set("Idempotency-Key", "retry-0000001")
        .send(GOOD_IMAGE);
    const first = await send();
    const second = await send();
    expect(second.status).toBe(202);
    expect(second.body.jobId).toBe(first.body.jobId);
    expect(second.headers["idempotent-replayed"]).toBe("true");
    const usage = await call("getUsage")
      .get("/")
      .set("Authorization", `Bearer ${await tokens.token("alice")}`);
    expect(usage.body.kinds.image).toEqual({ used: 1, limit: 2, remaining: 1 });
  });

  it("answers 429 with Retry-After once the daily quota is spent", async () => {
    const token = await tokens.token("alice");
    for (let i = 0; i < 2; i++)
      await call("generateImage").post("/").set("Authorization", `Bearer ${token}`).send(GOOD_IMAGE);
    const res = await call("generateImage").post("/").set("Authorization", `Bearer ${token}`).send(GOOD_IMAGE);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe("QUOTA_EXCEEDED");
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(queue.tasks).toHaveLength(2);
  });

  it("answers 503 BUDGET_EXHAUSTED with Retry-After once the day's budget is spent; getUsage shows the cost", async () => {
    budget = { dailyMicroUsd: 156_000, shards: 2 }; // one 1K Gemini 3 Pro Image
    try {
      const token = await tokens.token("bea");
      const first = await call("generateImage").post("/").set("Authorization", `Bearer ${token}`).send(GOOD_IMAGE);
      expect(first.status).toBe(202);
      const res = await call("generateImage").post("/").set("Authorization", `Bearer ${token}`).send(GOOD_IMAGE);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("BUDGET_EXHAUSTED");
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect(queue.tasks).toHaveLength(1);
      const usage = await call("getUsage").get("/").set("Authorization", `Bearer ${token}`);
      expect(usage.body).toMatchObject({ kinds: { image: { used: 1 } }, costUsd: 0.156 });
    } finally {
      budget = undefined;
    }
  });

  it("answers 503 with Retry-After and refunds when the queue is down", async () => {
    queue.failWith = new Error("UNAVAILABLE: connect ECONNREFUSED");
    const token = await tokens.token("alice");
    const res = await call("generateImage").post("/").set("Authorization", `Bearer ${token}`).send(GOOD_IMAGE);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("UNAVAILABLE");
    expect(res.headers["retry-after"]).toBe("5");
    expect(JSON.stringify(res.body)).not.toContain("ECONNREFUSED");
    const usage = await call("getUsage").get("/").set("Authorization", `Bearer ${token}`);
    expect(usage.body.kinds.image.used).toBe(0);
  });

  it("shows a caller their own job and hides everyone else's", async () => {
    const admitted = await call("generateImage")
      .post("/")
      .set("Authorization", `Bearer ${await tokens.token("alice")}`)
      .send(GOOD_IMAGE);
    const own = await call("getJob")
      .get(`/?jobId=${admitted.body.jobId}`)
      .set("Authorization", `Bearer ${await tokens.token("alice")}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      jobId: admitted.body.jobId,
      kind: "image",
      status: "queued",
      model: "gemini-3-pro-image-preview",
    });
    const byPath = await call("getJob")
      .get(`/${admitted.body.jobId}`)
      .set("Authorization", `Bearer ${await tokens.token("alice")}`);
    expect(byPath.body.jobId).toBe(admitted.body.jobId);
    const other = await call("getJob")
      .get(`/?jobId=${admitted.body.jobId}`)
      .set("Authorization", `Bearer ${await tokens.token("bob")}`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("NOT_FOUND");
  });

  it("hands out a signed URL only for finished media", async () => {
    const admitted = await call("generateImage")
      .post("/")
      .set("Authorization", `Bearer ${await tokens.token("alice")}`)
      .send(GOOD_IMAGE);
    await fs.db
      .doc(`jobs/${admitted.body.jobId}`)
      .update({ status: "succeeded", output: { objectPath: "users/alice/images/x.png", mimeType: "image/png" } });
    const res = await call("getJob")
      .get(`/?jobId=${admitted.body.jobId}`)
      .set("Authorization", `Bearer ${await tokens.token("alice")}`);
    expect(res.body.output).toEqual({
      url: "https://media.example/users/alice/images/x.png",
      mimeType: "image/png",
      expiresAt: expect.any(String),
    });
  });

  it("reports the tier, usage and limits per kind", async () => {
    await fs.db.doc("users/pat").set({ tier: "pro" });
    const res = await call("getUsage")
      .get("/")
      .set("Authorization", `Bearer ${await tokens.token("pat")}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tier: "pro",
      kinds: {
        image: { used: 0, limit: 5, remaining: 5 },
        video: { used: 0, limit: 2, remaining: 2 },
        agent: { used: 0, limit: 10, remaining: 10 },
      },
    });
    expect(res.body.resetsAt).toMatch(/T00:00:00.000Z$/);
  });

  it("answers CORS preflights from allowed origins and tags answers with the origin", async () => {
    const preflight = await call("generateImage")
      .options("/")
      .set("Origin", ORIGIN)
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "authorization, content-type, idempotency-key");
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(preflight.headers["access-control-allow-methods"]).toBe("POST, OPTIONS");
    expect(preflight.headers["access-control-allow-headers"]).toContain("Idempotency-Key");
    const res = await call("getUsage")
      .get("/")
      .set("Origin", ORIGIN)
      .set("Authorization", `Bearer ${await tokens.token("alice")}`);
    expect(res.headers["access-control-allow-origin"]).toBe(ORIGIN);
    const foreign = await call("getUsage")
      .get("/")
      .set("Origin", "https://evil.example")
      .set("Authorization", `Bearer ${await tokens.token("alice")}`);
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

function unsignedToken(): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: "alice", aud: "x", iat: now, exp: now + 3600 })}.`;
}
