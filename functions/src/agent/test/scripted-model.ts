// A deterministic language model for agent tests (the AI SDK's mock model): each step's answer is
// computed from the step number and the tool results the agent sent back, so a test can make the
// agent call tools and then report what they returned.
import { MockLanguageModelV4 } from "ai/test";

export interface ToolResultSeen {
  toolName: string;
  output: unknown;
}

export type ScriptStep =
  | { toolCalls: Array<{ name: string; input: unknown }> }
  | { text: string }
  /** Emits `text` and then never finishes until the call is aborted. */
  | { hang: string }
  /** Ends the step as a safety filter does: no text, finish reason content-filter. */
  | { blocked: true };

export type Script = (context: { step: number; toolResults: ToolResultSeen[] }) => ScriptStep;

export const MOCK_USAGE = {
  inputTokens: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 7, text: 7, reasoning: 0 },
};

type CallOptions = Parameters<MockLanguageModelV4["doStream"]>[0];
type StreamPart = Record<string, unknown> & { type: string };

function toolResultsOf(options: CallOptions): ToolResultSeen[] {
  const last = options.prompt.at(-1);
  if (last?.role !== "tool") return [];
  return last.content
    .filter((part) => part.type === "tool-result")
    .map((part) => ({
      toolName: part.toolName,
      output: part.output.type === "json" ? part.output.value : part.output,
    }));
}

function partsOf(step: ScriptStep, callIndex: number): { parts: StreamPart[]; finish: boolean } {
  if ("blocked" in step) return { parts: [], finish: true };
  if ("toolCalls" in step) {
    return {
      parts: step.toolCalls.map((call, i) => ({
        type: "tool-call",
        toolCallId: `call-${callIndex}-${i}`,
        toolName: call.name,
        input: JSON.stringify(call.input),
      })),
      finish: true,
    };
  }
  const text = "text" in step ? step.text : step.hang;
  const words = text.split(/(?<= )/);
  return {
    parts: [
      { type: "text-start", id: `text-${callIndex}` },
      ...words.map((delta) => ({ type: "text-delta", id: `text-${callIndex}`, delta })),
      ...("text" in step ? [{ type: "text-end", id: `text-${callIndex}` }] : []),
    ],
    finish: "text" in step,
  };
}

/** A mock model following `script`; `calls` counts model invocations across turns. */
export function scriptedModel(script: Script) {
  let calls = 0;
  const stepOf = (options: CallOptions) => {
    const toolResults = toolResultsOf(options);
    // Steps of this turn: assistant messages after the user's last message.
    const lastUser = options.prompt.findLastIndex((m) => m.role === "user");
    const step = options.prompt.slice(lastUser + 1).filter((m) => m.role === "assistant").length;
    return { step: script({ step, toolResults }), index: calls++ };
  };
  const model = new MockLanguageModelV4({
    doStream: async (options) => {
      const { step, index } = stepOf(options);
      const { parts, finish } = partsOf(step, index);
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue({ type: "stream-start", warnings: [] });
          for (const part of parts) controller.enqueue(part);
          if (finish) {
            const reason = "toolCalls" in step ? "tool-calls" : "blocked" in step ? "content-filter" : "stop";
            controller.enqueue({ type: "finish", finishReason: { unified: reason, raw: reason }, usage: MOCK_USAGE });
            controller.close();
          } else {
            options.abortSignal?.addEventListener("abort", () =>
              controller.error(new DOMException("The operation was aborted.", "AbortError")),
            );
          }
        },
      });
      return { stream } as Awaited<ReturnType<MockLanguageModelV4["doStream"]>>;
    },
  });
  return { model, calls: () => calls };
}
