// The agent's provider (@ai-sdk/google-vertex) driven by the AI SDK against the local Vertex AI
// server: tool calls, the follow-up text, streaming deltas and safety blocks, with no Google traffic.

import { MODELS } from "@genai-platform/definition";
import { startVertexServer, type VertexServer } from "@genai-platform/local/vertex/vertex-server.ts";
import { generateText, isStepCount, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentLanguageModel, agentBaseUrl, createAgentLanguageModel } from "./language-model.ts";

let server: VertexServer;
let model: AgentLanguageModel;
const requested: Array<{ kind: string; prompt: string }> = [];

const jobTool = (kind: "image" | "video") =>
  tool({
    description: `Requests one ${kind}.`,
    inputSchema: z.object({
      prompt: z.string().min(3).describe("What to show."),
      aspectRatio: z.enum(["16:9", "9:16", "1:1"]).optional().describe("Frame shape."),
    }),
    execute: async (input) => {
      requested.push({ kind, prompt: input.prompt });
      return { ok: true, jobId: `${kind}-job-1` };
    },
  });
const tools = { requestImage: jobTool("image"), requestVideo: jobTool("video") };

beforeAll(async () => {
  server = await startVertexServer();
  model = await createAgentLanguageModel({
    project: "demo-project",
    location: "global",
    baseUrl: server.url,
    model: MODELS.agent,
  });
});
afterAll(() => server.stop());

describe("the agent language model on the local Vertex AI server", () => {
  it("builds the provider's base URL in Vertex AI's path layout", () => {
    expect(agentBaseUrl({ project: "p", location: "global", baseUrl: "http://127.0.0.1:1/" })).toBe(
      "http://127.0.0.1:1/v1beta1/projects/p/locations/global/publishers/google",
    );
  });

  it.each([
    ["an image", "Please make an image of a lighthouse at dusk", "requestImage", "image-job-1"],
    ["a video", "Create a video of waves breaking at dawn", "requestVideo", "video-job-1"],
  ])("calls the tool for %s, then summarises its result", async (_name, prompt, toolName, jobId) => {
    requested.length = 0;
    const result = await generateText({ model, tools, prompt, stopWhen: isStepCount(3) });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls.map((call) => call.toolName)).toEqual([toolName]);
    expect(requested).toHaveLength(1);
    expect(requested[0]?.prompt.length).toBeGreaterThanOrEqual(3);
    expect(result.text).toContain(jobId);
    expect(result.totalUsage.inputTokens).toBeGreaterThan(0);
    expect(result.totalUsage.outputTokens).toBeGreaterThan(0);
  });

  it("answers with a concept and a shot list when no tool is asked for", async () => {
    const result = await generateText({ model, tools, prompt: "Plan a launch film for a coffee brand" });
    expect(result.toolCalls).toEqual([]);
    expect(result.text).toMatch(/^Concept: .+\nShot list:\n1\. .+\n2\. .+\n3\. .+/);
  });

  it("streams text as several deltas", async () => {
    const result = streamText({ model, prompt: "Plan a teaser for a mountain bike" });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toMatch(/^Concept: /);
    expect((await result.usage).inputTokens).toBeGreaterThan(0);
  });

  it("streams a tool call, then the text that follows its result", async () => {
    requested.length = 0;
    const result = streamText({ model, tools, prompt: "Draw a picture of a red kite", stopWhen: isStepCount(3) });
    const kinds: string[] = [];
    for await (const part of result.fullStream) kinds.push(part.type);
    expect(kinds.indexOf("tool-call")).toBeGreaterThan(-1);
    expect(kinds.indexOf("tool-result")).toBeGreaterThan(kinds.indexOf("tool-call"));
    expect(kinds.lastIndexOf("text-delta")).toBeGreaterThan(kinds.indexOf("tool-result"));
    expect(requested.map((r) => r.kind)).toEqual(["image"]);
    expect(await result.text).toContain("image-job-1");
  });

  it("reports a safety block as a content filter stop", async () => {
    const result = await generateText({ model, tools, prompt: "[safety] something forbidden" });
    expect(result.finishReason).toBe("content-filter");
    expect(result.text).toBe("");
  });

  it("surfaces the server's 429 as an error with status 429", async () => {
    server.faults.push({ model: MODELS.agent, status: 429 });
    const error = await generateText({ model, prompt: "Plan anything", maxRetries: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { statusCode?: number } | undefined)?.statusCode).toBe(429);
  });
});
