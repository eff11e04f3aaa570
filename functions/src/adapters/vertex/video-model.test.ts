// The Veo adapter through the real @google/genai client against the local Vertex AI server:
// start, pending polls, and each way an operation ends.

import type { VideoRequest } from "@genai-platform/client/api";
import { MODELS } from "@genai-platform/definition";
import { startVertexServer, type VertexFault, type VertexServer } from "@genai-platform/local/vertex/vertex-server.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelError } from "../../domain/errors.ts";
import type { VideoOperationState } from "../../ports/index.ts";
import { createGenAi } from "./genai-client.ts";
import { VeoVideoModel } from "./video-model.ts";

const POLLS_UNTIL_DONE = 2;
const OUTPUT = "gs://media-bucket/users/u1/videos/job1/";
let server: VertexServer;
let veo: VeoVideoModel;

function request(prompt: string): VideoRequest {
  return { prompt, aspectRatio: "16:9", durationSeconds: 8, resolution: "720p", generateAudio: true };
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

/** Polls until done (bounded), returning every state seen. */
async function pollToEnd(operationName: string): Promise<VideoOperationState[]> {
  const states: VideoOperationState[] = [];
  for (let i = 0; i < 10; i++) {
    const state = await veo.poll(operationName, {});
    states.push(state);
    if (state.done) break;
  }
  return states;
}

beforeAll(async () => {
  server = await startVertexServer({ pollsUntilDone: POLLS_UNTIL_DONE });
  const genai = createGenAi({ project: "demo-project", location: "us-central1", baseUrl: server.url });
  veo = new VeoVideoModel({ genai, model: MODELS.video, timeoutMs: 500 });
});
afterAll(() => server.stop());
beforeEach(() => server.faults.clear());

describe("VeoVideoModel", () => {
  it("starts an operation, reads it pending, then done with the video under the output prefix", async () => {
    const { operationName } = await veo.start(request("waves on a black sand beach"), { outputUri: OUTPUT });
    expect(operationName).toMatch(
      new RegExp(
        `^projects/demo-project/locations/us-central1/publishers/google/models/${MODELS.video}/operations/\\w+$`,
      ),
    );
    expect(await pollToEnd(operationName)).toEqual([
      { done: false },
      { done: false },
      { done: true, videos: [{ uri: `${OUTPUT}sample_0.mp4`, mimeType: "video/mp4" }] },
    ]);
    expect(server.stats().videos).toContain(`${OUTPUT}sample_0.mp4`);
  });

  it("sends the request's settings and the output prefix to Veo", async () => {
    await veo.start(
      { ...request("a kite over dunes"), aspectRatio: "9:16", durationSeconds: 4, negativePrompt: "people" },
      { outputUri: OUTPUT },
    );
    const sent = server.recent().at(-1);
    expect(sent).toMatchObject({
      model: MODELS.video,
      method: "predictLongRunning",
      body: {
        instances: [{ prompt: "a kite over dunes" }],
        parameters: {
          storageUri: OUTPUT,
          sampleCount: 1,
          aspectRatio: "9:16",
          durationSeconds: 4,
          resolution: "720p",
          generateAudio: true,
          negativePrompt: "people",
        },
      },
    });
  });

  it.each<[string, string, VertexFault | undefined, VideoOperationState]>([
    [
      "a failed operation as an error without upstream detail",
      "[fail] a storm",
      undefined,
      { done: true, error: { code: "VIDEO_OPERATION_FAILED", message: "the video operation failed (code 13)" } },
    ],
    [
      "a filtered prompt as filtered with its reason",
      "[safety] something forbidden",
      undefined,
      {
        done: true,
        filtered:
          "the video was blocked by safety filters: The prompt could not be submitted: it violates the usage guidelines.",
      },
    ],
    [
      "an injected safety block as filtered",
      "a harmless meadow",
      { model: MODELS.video, safety: true },
      {
        done: true,
        filtered:
          "the video was blocked by safety filters: The prompt could not be submitted: it violates the usage guidelines.",
      },
    ],
  ])("reads %s", async (_name, prompt, fault, expected) => {
    if (fault) server.faults.push(fault);
    const { operationName } = await veo.start(request(prompt), { outputUri: OUTPUT });
    const states = await pollToEnd(operationName);
    expect(states).toHaveLength(POLLS_UNTIL_DONE + 1);
    expect(states.at(-1)).toEqual(expected);
  });

  it.each<[string, VertexFault, string, boolean]>([
    ["a rate-limited start as retryable", { status: 429 }, "MODEL_RATE_LIMITED", true],
    ["a failing start as retryable", { status: 500 }, "MODEL_UNAVAILABLE", true],
    ["a slow start as a retryable timeout", { delayMs: 3000 }, "MODEL_TIMEOUT", true],
    ["a rejected start as permanent", { status: 400 }, "MODEL_INVALID_REQUEST", false],
  ])("maps %s", async (_name, fault, code, retryable) => {
    server.faults.push({ model: MODELS.video, ...fault });
    const error = await failure(veo.start(request("a city at night"), { outputUri: OUTPUT }));
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code, retryable });
  });

  it.each<[string, VertexFault, string, boolean]>([
    ["a rate-limited poll as retryable", { status: 429 }, "MODEL_RATE_LIMITED", true],
    ["an unavailable poll as retryable", { status: 503 }, "MODEL_UNAVAILABLE", true],
    ["a slow poll as a retryable timeout", { delayMs: 3000 }, "MODEL_TIMEOUT", true],
  ])("maps %s", async (_name, fault, code, retryable) => {
    const { operationName } = await veo.start(request("a forest in fog"), { outputUri: OUTPUT });
    server.faults.push({ model: MODELS.video, ...fault });
    const error = await failure(veo.poll(operationName, {}));
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code, retryable });
  });

  it("stops a poll when the caller aborts", async () => {
    const { operationName } = await veo.start(request("a slow tide"), { outputUri: OUTPUT });
    server.faults.push({ model: MODELS.video, delayMs: 3000 });
    const controller = new AbortController();
    const pending = veo.poll(operationName, { signal: controller.signal });
    controller.abort();
    expect((await failure(pending)).code).toBe("MODEL_TIMEOUT");
  });

  it("fails permanently on an operation the service does not know", async () => {
    const unknown = `projects/demo-project/locations/us-central1/publishers/google/models/${MODELS.video}/operations/nope`;
    const error = await failure(veo.poll(unknown, {}));
    expect({ code: error.code, retryable: error.retryable }).toEqual({
      code: "MODEL_INVALID_REQUEST",
      retryable: false,
    });
  });
});
