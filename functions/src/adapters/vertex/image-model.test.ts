// The image adapter through the real @google/genai client against the local Vertex AI server.

import type { ImageRequest } from "@genai-platform/client/api";
import { MODELS } from "@genai-platform/definition";
import { startVertexServer, type VertexFault, type VertexServer } from "@genai-platform/local/vertex/vertex-server.ts";
import { GenerateContentResponse } from "@google/genai";
import { PNG } from "pngjs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelError } from "../../domain/errors.ts";
import { createGenAi } from "./genai-client.ts";
import { finalImage, VertexImageModel } from "./image-model.ts";

let server: VertexServer;
let model: VertexImageModel;

function request(prompt: string, aspectRatio: ImageRequest["aspectRatio"] = "1:1"): ImageRequest {
  return { prompt, aspectRatio, imageSize: "1K" };
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

beforeAll(async () => {
  server = await startVertexServer();
  const genai = createGenAi({ project: "demo-project", location: "global", baseUrl: server.url });
  model = new VertexImageModel({ genai, model: MODELS.image, timeoutMs: 500 });
});
afterAll(() => server.stop());
beforeEach(() => server.faults.clear());

describe("VertexImageModel", () => {
  it("returns the final image, not the interim images Gemini 3 Pro Image thinks with", async () => {
    const image = await model.generate(request("a lighthouse at dusk"), {});
    const draft = await new VertexImageModel({
      genai: createGenAi({ project: "demo-project", location: "global", baseUrl: server.url }),
      model: "gemini-2.5-flash-image", // a model that does not think: its one image is the prompt's
      timeoutMs: 500,
    }).generate(request("[draft] a lighthouse at dusk"), {});
    const plain = await new VertexImageModel({
      genai: createGenAi({ project: "demo-project", location: "global", baseUrl: server.url }),
      model: "gemini-2.5-flash-image",
      timeoutMs: 500,
    }).generate(request("a lighthouse at dusk"), {});
    expect(Buffer.from(image.data).equals(Buffer.from(plain.data))).toBe(true);
    expect(Buffer.from(image.data).equals(Buffer.from(draft.data))).toBe(false);
  });

  it("reports a model Vertex does not serve in its location as the deployment's error, naming both", async () => {
    const misplaced = new VertexImageModel({
      genai: createGenAi({ project: "demo-project", location: "us-central1", baseUrl: server.url }),
      model: MODELS.image,
      location: "us-central1",
      timeoutMs: 500,
    });
    const error = await failure(misplaced.generate(request("a lighthouse"), {}));
    expect(error.code).toBe("MODEL_NOT_SERVED");
    expect(error.retryable).toBe(false);
    expect(error.location).toBe("us-central1");
    expect(error.message).toBe(
      `the image model is not available in this deployment (Vertex AI does not serve ${MODELS.image} in us-central1)`,
    );
  });

  it.each([
    ["1:1", 256, 256],
    ["16:9", 256, 144],
    ["9:16", 144, 256],
    ["21:9", 256, 110],
  ] as const)("returns a PNG shaped %s (%ix%i)", async (aspectRatio, width, height) => {
    const image = await model.generate(request("a lighthouse at dusk", aspectRatio), {});
    expect(image.mimeType).toBe("image/png");
    const png = PNG.sync.read(Buffer.from(image.data));
    expect({ width: png.width, height: png.height }).toEqual({ width, height });
  });

  it("returns identical bytes for the same prompt and different bytes for another", async () => {
    const a = await model.generate(request("a red fox in snow"), {});
    const b = await model.generate(request("a red fox in snow"), {});
    const c = await model.generate(request("a blue whale at night"), {});
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(false);
  });

  it.each<[string, VertexFault, string, boolean]>([
    ["a 429 as rate limited, retryable", { status: 429 }, "MODEL_RATE_LIMITED", true],
    ["a 500 as unavailable, retryable", { status: 500 }, "MODEL_UNAVAILABLE", true],
    ["a 503 as unavailable, retryable", { status: 503 }, "MODEL_UNAVAILABLE", true],
    ["a slow answer as a timeout, retryable", { delayMs: 3000 }, "MODEL_TIMEOUT", true],
    ["a 400 as an invalid request, permanent", { status: 400 }, "MODEL_INVALID_REQUEST", false],
    ["a 404 of another kind as an invalid request, permanent", { status: 404 }, "MODEL_INVALID_REQUEST", false],
    ["a 403 as a permission problem, permanent", { status: 403 }, "MODEL_PERMISSION_DENIED", false],
    ["a blocked prompt as a safety block, permanent", { safety: true }, "MODEL_SAFETY_BLOCKED", false],
  ])("maps %s", async (_name, fault, code, retryable) => {
    server.faults.push({ model: MODELS.image, ...fault });
    const error = await failure(model.generate(request("a quiet harbour"), {}));
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code, retryable });
    // The upstream body stays in the cause, out of the message a client may see.
    expect(error.message).not.toContain("Injected");
  });

  it("maps a safety finish reason to a permanent safety block", async () => {
    const error = await failure(model.generate(request("[safety] something forbidden"), {}));
    expect({ code: error.code, retryable: error.retryable }).toEqual({
      code: "MODEL_SAFETY_BLOCKED",
      retryable: false,
    });
  });

  it("treats the caller's abort as a retryable timeout", async () => {
    server.faults.push({ model: MODELS.image, delayMs: 3000 });
    const controller = new AbortController();
    const pending = model.generate(request("a slow sunrise"), { signal: controller.signal });
    controller.abort();
    expect((await failure(pending)).code).toBe("MODEL_TIMEOUT");
  });

  it("maps an unreachable endpoint to a retryable unavailable error", async () => {
    const gone = await startVertexServer();
    await gone.stop();
    const genai = createGenAi({ project: "demo-project", location: "global", baseUrl: gone.url });
    const unreachable = new VertexImageModel({ genai, model: MODELS.image, timeoutMs: 2000 });
    const error = await failure(unreachable.generate(request("an empty room"), {}));
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: "MODEL_UNAVAILABLE", retryable: true });
  });
});

describe("reading an image answer", () => {
  const answer = (fields: Partial<GenerateContentResponse>) => Object.assign(new GenerateContentResponse(), fields);

  it.each<[string, Partial<GenerateContentResponse>, string]>([
    [
      "text without an image",
      { candidates: [{ finishReason: "STOP" as never, content: { parts: [{ text: "no" }] } }] },
      "MODEL_NO_OUTPUT",
    ],
    ["no candidates at all", {}, "MODEL_NO_OUTPUT"],
    [
      "interim thought images without a final one",
      {
        candidates: [
          {
            finishReason: "STOP" as never,
            content: { parts: [{ thought: true, inlineData: { mimeType: "image/png", data: "AAAA" } }] },
          },
        ],
      },
      "MODEL_NO_OUTPUT",
    ],
    [
      "a prohibited-content stop",
      { candidates: [{ finishReason: "PROHIBITED_CONTENT" as never }] },
      "MODEL_SAFETY_BLOCKED",
    ],
    ["a prompt block reason", { promptFeedback: { blockReason: "OTHER" as never } }, "MODEL_SAFETY_BLOCKED"],
  ])("rejects %s permanently", (_name, fields, code) => {
    let caught: unknown;
    try {
      finalImage(answer(fields));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModelError);
    expect({ code: (caught as ModelError).code, retryable: (caught as ModelError).retryable }).toEqual({
      code,
      retryable: false,
    });
  });
});
