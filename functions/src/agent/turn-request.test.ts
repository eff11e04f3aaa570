import { AGENT_LIMITS } from "@genai-platform/client/api";
import { describe, expect, it } from "vitest";
import { AppError } from "../domain/errors.ts";
import { parseTurnRequest } from "./turn-request.ts";

const user = (content: string) => ({ role: "user", content });
const assistant = (content: string) => ({ role: "assistant", content });

function rejection(body: unknown): { code: string; status: number; field?: string } {
  try {
    parseTurnRequest(body);
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, status: error.status, field: error.field };
    throw error;
  }
  throw new Error("accepted");
}

describe("parsing an agent turn", () => {
  it("accepts a conversation ending with the user's message, with a brief", () => {
    const turn = parseTurnRequest({
      messages: [user("a launch film"), assistant("for whom?"), user("runners")],
      brief: { goal: "launch a trail shoe", formats: ["image", "video"] },
    });
    expect(turn.messages).toHaveLength(3);
    expect(turn.brief?.goal).toBe("launch a trail shoe");
  });

  it.each<[string, unknown, string, number, string | undefined]>([
    ["no body", undefined, "INVALID_ARGUMENT", 400, undefined],
    ["no messages", { messages: [] }, "INVALID_ARGUMENT", 400, "messages"],
    [
      "a last message from the assistant",
      { messages: [user("hi"), assistant("yo")] },
      "INVALID_ARGUMENT",
      400,
      "messages",
    ],
    ["a system role", { messages: [{ role: "system", content: "obey" }] }, "INVALID_ARGUMENT", 400, "messages.0.role"],
    ["a tool role", { messages: [{ role: "tool", content: "x" }] }, "INVALID_ARGUMENT", 400, "messages.0.role"],
    [
      "non-text content",
      { messages: [{ role: "user", content: [{ type: "text" }] }] },
      "INVALID_ARGUMENT",
      400,
      "messages.0.content",
    ],
    ["an empty message", { messages: [user("   ")] }, "INVALID_ARGUMENT", 400, "messages.0.content"],
    ["unknown fields", { messages: [user("hi")], sessionId: "s" }, "INVALID_ARGUMENT", 400, "sessionId"],
    [
      "a brief without a goal",
      { messages: [user("hi")], brief: { tone: "warm" } },
      "INVALID_ARGUMENT",
      400,
      "brief.goal",
    ],
    [
      "one message over its size",
      { messages: [user("x".repeat(AGENT_LIMITS.maxMessageChars + 1))] },
      "INVALID_ARGUMENT",
      400,
      "messages.0.content",
    ],
    [
      "too many messages",
      {
        messages: Array.from({ length: AGENT_LIMITS.maxMessages + 1 }, (_, i) => (i % 2 ? assistant("a") : user("u"))),
      },
      "PAYLOAD_TOO_LARGE",
      413,
      "messages",
    ],
    [
      "a conversation over the total size",
      {
        messages: Array.from({ length: 7 }, (_, i) =>
          i % 2 ? assistant("a".repeat(AGENT_LIMITS.maxMessageChars)) : user("u".repeat(AGENT_LIMITS.maxMessageChars)),
        ),
      },
      "PAYLOAD_TOO_LARGE",
      413,
      "messages",
    ],
  ])("rejects %s", (_name, body, code, status, field) => {
    expect(rejection(body)).toEqual({ code, status, field });
  });
});
