// The local Vertex AI server's own behaviour: quota, faults and stats over HTTP, error answers, and
// Veo writing its video to a storage server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MODELS, platform } from "@genai-platform/definition";
import { createGenAi } from "@genai-platform/functions/adapters/vertex/genai-client.ts";
import { VertexImageModel } from "@genai-platform/functions/adapters/vertex/image-model.ts";
import { VeoVideoModel } from "@genai-platform/functions/adapters/vertex/video-model.ts";
import { ModelError } from "@genai-platform/functions/domain/errors.ts";
import { afterEach, describe, expect, it } from "vitest";
import { startVertexServer, type VertexServer } from "./vertex-server.ts";

const IMAGE_PATH = `/v1beta1/projects/p/locations/global/publishers/google/models/${MODELS.image}:generateContent`;
const stops: Array<() => Promise<void>> = [];

async function server(options: Parameters<typeof startVertexServer>[0] = {}): Promise<VertexServer> {
  const started = await startVertexServer(options);
  stops.push(started.stop);
  return started;
}

function imageModel(url: string): VertexImageModel {
  return new VertexImageModel({
    genai: createGenAi({ project: "p", location: "global", baseUrl: url }),
    model: MODELS.image,
    timeoutMs: 10_000,
  });
}

/** Veo in the location the catalog serves it in, through the production adapter. */
function veoModel(url: string): VeoVideoModel {
  return new VeoVideoModel({
    genai: createGenAi({ project: "p", location: "us-central1", baseUrl: url }),
    model: MODELS.video,
  });
}

const VEO_REQUEST = {
  prompt: "a paper boat",
  aspectRatio: "16:9",
  durationSeconds: 8,
  resolution: "720p",
  generateAudio: false,
} as const;

const imageBody = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "a cat" }] }] });

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

const modelPath = (model: string, location: string, method: string) =>
  `/v1beta1/projects/p/locations/${location}/publishers/google/models/${model}:${method}`;

describe("the local Vertex AI server, as strict as Vertex about models and locations", () => {
  it.each([
    ["the video model on the global endpoint", MODELS.video, "global", "predictLongRunning"],
    ["the image model in a region", MODELS.image, "us-central1", "generateContent"],
    ["a retired agent model", "gemini-3-pro-preview", "global", "generateContent"],
    ["an unknown model", "gemini-9-ultra", "global", "generateContent"],
  ])("answers %s with Vertex's 404 NOT_FOUND, in Vertex's words", async (_, model, location, method) => {
    const vertex = await server();
    const answer = await fetch(`${vertex.url}${modelPath(model, location, method)}`, {
      method: "POST",
      body: imageBody,
    });
    expect(answer.status).toBe(404);
    const body = (await answer.json()) as { error: { code: number; status: string; message: string } };
    expect(body.error.code).toBe(404);
    expect(body.error.status).toBe("NOT_FOUND");
    expect(body.error.message).toBe(
      `Publisher Model \`projects/p/locations/${location}/publishers/google/models/${model}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`,
    );
  });

  it("serves every (model, location) pair of the definition's catalog", async () => {
    const vertex = await server();
    for (const model of platform.models) {
      for (const location of model.locations) {
        const method = model.kind === "video" ? "predictLongRunning" : "generateContent";
        const body = model.kind === "video" ? JSON.stringify({ instances: [{ prompt: "a cat" }] }) : imageBody;
        const answer = await fetch(`${vertex.url}${modelPath(model.id, location, method)}`, { method: "POST", body });
        expect(answer.status, `${model.id} @ ${location}`).toBe(200);
      }
    }
  });

  it("counts tokens for a served pair outside every quota, and refuses an unlisted pair as Vertex does", async () => {
    const vertex = await server({ quotaPerSecond: 1 });
    for (let i = 0; i < 3; i++) {
      const counted = await fetch(`${vertex.url}${modelPath(MODELS.image, "global", "countTokens")}`, {
        method: "POST",
        body: imageBody,
      });
      expect(counted.status).toBe(200);
      expect(((await counted.json()) as { totalTokens: number }).totalTokens).toBeGreaterThan(0);
    }
    expect(vertex.stats().requests).toBe(0);
    const unlisted = await fetch(`${vertex.url}${modelPath(MODELS.image, "us-central1", "countTokens")}`, {
      method: "POST",
      body: imageBody,
    });
    expect(unlisted.status).toBe(404);
    expect(((await unlisted.json()) as { error: { message: string } }).error.message).toMatch(/^Publisher Model `/);
  });

  it("answers a publisher model lookup for catalog models only", async () => {
    const vertex = await server();
    const known = await fetch(`${vertex.url}/v1beta1/publishers/google/models/${MODELS.video}`);
    expect(known.status).toBe(200);
    expect(await known.json()).toMatchObject({ name: `publishers/google/models/${MODELS.video}` });
    const unknown = await fetch(`${vertex.url}/v1beta1/publishers/google/models/veo-9-generate`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain(
      "Publisher Model `publishers/google/models/veo-9-generate` was not found",
    );
  });

  it("holds each model to the per-minute quota Google states for it", async () => {
    const veo = platform.models.find((m) => m.id === "veo-3.1-generate-preview")!;
    const perMinute = veo.quota.requestsPerMinute!;
    const vertex = await server();
    const start = () =>
      fetch(`${vertex.url}${modelPath(veo.id, "us-central1", "predictLongRunning")}`, {
        method: "POST",
        body: JSON.stringify({ instances: [{ prompt: "a wave" }] }),
      }).then((r) => r.status);
    const statuses = await Promise.all(Array.from({ length: perMinute + 3 }, start));
    expect(statuses.filter((s) => s === 200)).toHaveLength(perMinute);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    // Another model's quota is its own.
    const image = await fetch(`${vertex.url}${IMAGE_PATH}`, { method: "POST", body: imageBody });
    expect(image.status).toBe(200);
  });

  it("answers Gemini 3 Pro Image with interim thought images before the final one", async () => {
    const vertex = await server();
    const answer = await fetch(`${vertex.url}${IMAGE_PATH}`, { method: "POST", body: imageBody });
    const body = (await answer.json()) as {
      candidates: {
        content: { parts: { thought?: boolean; inlineData?: { data: string }; thoughtSignature?: string }[] };
      }[];
    };
    const parts = body.candidates[0]!.content.parts;
    expect(parts.map((p) => Boolean(p.thought))).toEqual([true, true, false]);
    expect(parts[1]!.inlineData?.data).not.toBe(parts[2]!.inlineData?.data);
    expect(parts[2]!.thoughtSignature).toBeTruthy();
  });
});

describe("the local Vertex AI server", () => {
  it("answers requests above its per-second quota with 429s that the stats count", async () => {
    const vertex = await server({ quotaPerSecond: 5 });
    const model = imageModel(vertex.url);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        model.generate({ prompt: `shot ${i}`, aspectRatio: "1:1", imageSize: "1K" }, {}),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled").length;
    const limited = results.filter(
      (r) => r.status === "rejected" && r.reason instanceof ModelError && r.reason.code === "MODEL_RATE_LIMITED",
    ).length;
    expect(limited).toBeGreaterThan(0);
    expect(ok + limited).toBe(20);
    const stats = vertex.stats();
    expect(stats).toMatchObject({ requests: 20, ok, rejected429: limited, failed: 0 });
    expect(stats.byModel[MODELS.image]).toEqual({ requests: 20, ok, rejected429: limited, failed: 0 });
  });

  it("takes faults, reports stats and resets over HTTP", async () => {
    const vertex = await server();
    const pushed = await fetch(`${vertex.url}/__control/faults`, {
      method: "POST",
      body: JSON.stringify({ model: MODELS.image, status: 503, times: 2 }),
    });
    expect(await pushed.json()).toEqual({ pending: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await fetch(`${vertex.url}${IMAGE_PATH}`, { method: "POST", body: imageBody })).status);
    }
    expect(statuses).toEqual([503, 503, 200]);
    const stats = await (await fetch(`${vertex.url}/__control/stats`)).json();
    expect(stats).toMatchObject({ requests: 3, ok: 1, rejected429: 0, failed: 2 });
    await fetch(`${vertex.url}/__control/reset`, { method: "POST" });
    expect(vertex.stats()).toMatchObject({ requests: 0, ok: 0, rejected429: 0, failed: 0, byModel: {} });
  });

  it("applies a fault only to its model and only as many times as asked", async () => {
    const vertex = await server();
    vertex.faults.push({ model: MODELS.video, status: 500 });
    expect((await fetch(`${vertex.url}${IMAGE_PATH}`, { method: "POST", body: imageBody })).status).toBe(200);
    expect(vertex.faults.pending()).toBe(1);
  });

  it.each<[string, string, RequestInit, number, string]>([
    ["an unknown path", "/v1beta1/projects/p/nothing", { method: "POST", body: "{}" }, 404, "NOT_FOUND"],
    [
      "an unknown model method",
      IMAGE_PATH.replace("generateContent", "computeTokens"),
      { method: "POST" },
      404,
      "NOT_FOUND",
    ],
    ["a GET on a model method", IMAGE_PATH, { method: "GET" }, 405, "METHOD_NOT_ALLOWED"],
    ["malformed JSON", IMAGE_PATH, { method: "POST", body: "{not json" }, 400, "INVALID_ARGUMENT"],
    ["an invalid fault", "/__control/faults", { method: "POST", body: '{"status":"x"}' }, 400, "INVALID_ARGUMENT"],
  ])("answers %s with Google's error JSON", async (_name, path, init, status, statusName) => {
    const vertex = await server();
    const response = await fetch(`${vertex.url}${path}`, init);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code: status, status: statusName } });
  });

  it("writes a finished video to the storage server with a media upload", async () => {
    const uploads: Array<{ method?: string; url?: string; type?: string; body: Buffer }> = [];
    const storage: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        uploads.push({
          method: req.method,
          url: req.url,
          type: req.headers["content-type"],
          body: Buffer.concat(chunks),
        });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => storage.listen(0, "127.0.0.1", resolve));
    stops.push(() => new Promise((resolve) => storage.close(() => resolve())));
    const storageUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
    const vertex = await server({ pollsUntilDone: 0, storageBaseUrl: storageUrl });
    const veo = veoModel(vertex.url);
    const { operationName } = await veo.start(VEO_REQUEST, { outputUri: "gs://media/users/u/videos/j" });
    const state = await veo.poll(operationName, {});
    expect(state).toEqual({
      done: true,
      videos: [{ uri: "gs://media/users/u/videos/j/sample_0.mp4", mimeType: "video/mp4" }],
    });
    // A second poll of a finished operation answers the same without writing again.
    expect(await veo.poll(operationName, {})).toEqual(state);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({
      method: "POST",
      url: `/upload/storage/v1/b/media/o?uploadType=media&name=${encodeURIComponent("users/u/videos/j/sample_0.mp4")}`,
      type: "video/mp4",
    });
    expect(uploads[0]?.body.subarray(4, 8).toString("latin1")).toBe("ftyp");
  });

  it("ends the operation with an error when the storage server refuses the video", async () => {
    const vertex = await server({ pollsUntilDone: 0, storageBaseUrl: "http://127.0.0.1:9" });
    const veo = veoModel(vertex.url);
    const { operationName } = await veo.start(VEO_REQUEST, { outputUri: "gs://media/x/" });
    expect(await veo.poll(operationName, {})).toMatchObject({ done: true, error: { code: "VIDEO_OPERATION_FAILED" } });
  });
});
