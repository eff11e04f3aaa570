// The scripted agent's rules, one conversation shape per row.
import { describe, expect, it } from "vitest";
import { agentReply, derivePrompt, type GeminiRequest } from "./agent-script.ts";
import { splitText } from "./vertex-server.ts";

const tools = [{ functionDeclarations: [{ name: "requestImage" }, { name: "requestVideo" }] }];
const user = (text: string) => ({ role: "user", parts: [{ text }] });

describe("the scripted agent", () => {
  it.each<[string, GeminiRequest, ReturnType<typeof agentReply>["kind"], string?]>([
    [
      "asks for an image with requestImage",
      { contents: [user("Make an image of a fox")], tools },
      "functionCall",
      "requestImage",
    ],
    [
      "asks for a picture with requestImage",
      { contents: [user("a picture of the sea please")], tools },
      "functionCall",
      "requestImage",
    ],
    [
      "asks for a video with requestVideo",
      { contents: [user("Generate a video of rain")], tools },
      "functionCall",
      "requestVideo",
    ],
    ["writes a shot list when the tool is not declared", { contents: [user("Make an image of a fox")] }, "text"],
    ["writes a shot list for a plain brief", { contents: [user("Plan a film about bread")], tools }, "text"],
    ["blocks a [safety] prompt", { contents: [user("[safety] bad things")], tools }, "blocked"],
    [
      "summarises once a function response follows the request",
      {
        contents: [
          user("Make an image of a fox"),
          { role: "model", parts: [{ functionCall: { name: "requestImage", args: {} } }] },
          { role: "user", parts: [{ functionResponse: { name: "requestImage", response: { jobId: "j1" } } }] },
        ],
        tools,
      },
      "text",
    ],
    [
      "calls the tool again for a new request after an earlier tool turn",
      {
        contents: [
          user("Make an image of a fox"),
          { role: "model", parts: [{ functionCall: { name: "requestImage", args: {} } }] },
          { role: "user", parts: [{ functionResponse: { name: "requestImage", response: { jobId: "j1" } } }] },
          { role: "model", parts: [{ text: "Done." }] },
          user("Now a video of it running"),
        ],
        tools,
      },
      "functionCall",
      "requestVideo",
    ],
  ])("%s", (_name, request, kind, name) => {
    const reply = agentReply(request);
    expect(reply.kind).toBe(kind);
    if (reply.kind === "functionCall") expect(reply.name).toBe(name);
  });

  it("mentions the tool result in its summary", () => {
    const reply = agentReply({
      contents: [
        user("x image"),
        { role: "user", parts: [{ functionResponse: { name: "requestImage", response: { jobId: "j42" } } }] },
      ],
    });
    expect(reply).toMatchObject({ kind: "text", text: expect.stringContaining("j42") });
  });

  it.each([
    ["Please make an image of a fox in snow", "a fox in snow"],
    ["Create a video of waves", "waves"],
    ["a red kite", "a red kite"],
  ])("derives the tool prompt of %j as %j", (text, prompt) => {
    expect(derivePrompt(text)).toBe(prompt);
  });

  it("splits text into deltas that join back to the text", () => {
    const text = "Concept: one two three four five six seven eight nine ten";
    const deltas = splitText(text, 4);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(text);
  });
});
