// A Mastra agent (what creativeDirectorAgent runs) on the agent language model and the local Vertex
// AI server: proves the provider model plugs into Mastra and its tool loop runs end to end.

import { MODELS } from "@genai-platform/definition";
import { startVertexServer, type VertexServer } from "@genai-platform/local/vertex/vertex-server.ts";
import { Agent } from "@mastra/core/agent";
import { createTool } from "@mastra/core/tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { agentModelFactory } from "./language-model.ts";

let server: VertexServer;
let agent: Agent;
const prompts: string[] = [];

beforeAll(async () => {
  server = await startVertexServer();
  const model = agentModelFactory({
    project: "demo-project",
    location: "global",
    baseUrl: server.url,
    model: MODELS.agent,
  });
  agent = new Agent({
    id: "test-director",
    name: "test-director",
    instructions: "Plan shots; request images when asked.",
    model: await model(),
    tools: {
      requestImage: createTool({
        id: "requestImage",
        description: "Requests one image.",
        inputSchema: z.object({ prompt: z.string().min(3).describe("What to show.") }),
        outputSchema: z.object({ ok: z.boolean().describe("Admitted."), jobId: z.string().describe("Job id.") }),
        execute: async (input) => {
          prompts.push(input.prompt);
          return { ok: true, jobId: "mastra-job-7" };
        },
      }),
    },
  });
});
afterAll(() => server.stop());

describe("a Mastra agent on the local Vertex AI server", () => {
  it("calls its tool and then reports the tool's result", async () => {
    const result = await agent.generate("Make an image of a glass teapot", { maxSteps: 3 });
    expect(prompts).toEqual(["a glass teapot"]);
    expect(result.text).toContain("mastra-job-7");
  });

  it("streams a plain answer as text deltas", async () => {
    const stream = await agent.stream("Plan a short film about a bakery", { maxSteps: 2 });
    const deltas: string[] = [];
    for await (const delta of stream.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toMatch(/^Concept: /);
  });
});
