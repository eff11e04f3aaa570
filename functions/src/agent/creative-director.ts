// One creative-director turn: run the Mastra agent with tools bound to the verified caller, fold
// its stream into ordered events and one answer, and log one generation event for the turn.

import type { AgentStreamEvent, AgentToolCall, AgentTurnRequest, AgentTurnResponse } from "@genai-platform/client/api";
import { platform, type TierName } from "@genai-platform/definition";
import { Agent } from "@mastra/core/agent";
import type { MastraModelConfig } from "@mastra/core/llm";
import { noopLogger } from "@mastra/core/logger";
import { AppError } from "../domain/errors.ts";
import type { EventLog } from "../ports/index.ts";
import { briefMessage, CREATIVE_DIRECTOR_INSTRUCTIONS } from "./instructions.ts";
import { type AgentCaller, type AgentJobs, turnDigest } from "./job-tools.ts";
import { creativeDirectorTools } from "./tools.ts";

/** Model steps per turn (each tool round trip is one); bounds cost and latency of a turn. */
export const MAX_AGENT_STEPS = platform.agent.maxStepsPerTurn;

export interface CreativeDirectorDeps {
  jobs: AgentJobs;
  /** The language model; production builds the Vertex AI one on first use. */
  model(): MastraModelConfig | Promise<MastraModelConfig>;
  /** Model id for the log line. */
  modelId: string;
  events: EventLog;
  maxSteps?: number;
  /** Where the cause of a failed turn goes (one structured line); the event log keeps only its code. */
  logError?: (message: string) => void;
}

export interface TurnRunOptions {
  /** Aborted when the client goes away: the model call and pending steps stop. */
  signal?: AbortSignal;
  /** Every event in order, for streaming; the last one is `message` (or `error`, thrown as well). */
  onEvent?: (event: AgentStreamEvent) => void;
}

function modelFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { statusCode?: number; status?: number } | undefined)?.statusCode;
  if (status === 429)
    return new AppError("BUSY", "the model is busy; try again shortly", { retryAfterSeconds: 10, cause: error });
  return new AppError("UNAVAILABLE", "the creative director is unavailable; try again later", { cause: error });
}

/** Mastra reports invalid tool input as `{ error: true, message }`; show it like our own tool errors. */
function toolOutput(result: unknown): unknown {
  if (result && typeof result === "object" && (result as { error?: unknown }).error === true) {
    const message = String((result as { message?: unknown }).message ?? "invalid tool input").split("\n")[0];
    return { ok: false, error: { code: "INVALID_ARGUMENT", message } };
  }
  return result;
}

/**
 * Runs one turn for `caller` (already charged). Resolves to the answer; a model failure is emitted
 * as an `error` event and thrown as AppError; an aborted turn throws UNAVAILABLE after logging.
 */
export async function runTurn(
  deps: CreativeDirectorDeps,
  caller: AgentCaller,
  tier: TierName,
  request: AgentTurnRequest,
  options: TurnRunOptions,
): Promise<AgentTurnResponse> {
  const started = performance.now();
  const emit = options.onEvent ?? (() => {});
  const toolCalls = new Map<string, AgentToolCall>();
  let message = "";
  let usage = { inputTokens: 0, outputTokens: 0 };
  let aborted = false;
  let failure: AppError | undefined;

  try {
    const agent = new Agent({
      id: "creative-director",
      name: "Creative director",
      instructions: CREATIVE_DIRECTOR_INSTRUCTIONS,
      model: await deps.model(),
      tools: creativeDirectorTools({ caller, turn: turnDigest(request), jobs: deps.jobs }),
    });
    // Mastra's own console logger writes unstructured multi-line errors; failures are logged below.
    agent.__setLogger(noopLogger);
    // Narrowed per role: Mastra's message types are a union keyed by role.
    const messages = request.messages.map((m) =>
      m.role === "user"
        ? { role: "user" as const, content: m.content }
        : { role: "assistant" as const, content: m.content },
    );
    const stream = await agent.stream(messages, {
      maxSteps: deps.maxSteps ?? MAX_AGENT_STEPS,
      abortSignal: options.signal,
      ...(request.brief ? { system: briefMessage(request.brief) } : {}),
    });
    for await (const chunk of stream.fullStream) {
      if (chunk.type === "text-delta") {
        message += chunk.payload.text;
        emit({ type: "text-delta", text: chunk.payload.text });
      } else if (chunk.type === "tool-call") {
        const { toolCallId: id, toolName: name, args: input } = chunk.payload;
        toolCalls.set(id, { id, name, input });
        emit({ type: "tool-call", id, name, input });
      } else if (chunk.type === "tool-result" || chunk.type === "tool-error") {
        const { toolCallId: id, toolName: name } = chunk.payload;
        const output =
          chunk.type === "tool-result"
            ? toolOutput(chunk.payload.result)
            : { ok: false, error: { code: "UNAVAILABLE", message: "the tool failed" } };
        const call = toolCalls.get(id) ?? { id, name, input: undefined };
        toolCalls.set(id, { ...call, output });
        emit({ type: "tool-result", id, name, output });
      } else if (chunk.type === "error") {
        failure = modelFailure(chunk.payload.error);
      } else if (chunk.type === "abort") {
        aborted = true;
      }
    }
    if (!aborted && !failure) {
      const total = await stream.totalUsage;
      usage = { inputTokens: total?.inputTokens ?? 0, outputTokens: total?.outputTokens ?? 0 };
      // A safety block is no HTTP error: the model ends the step with a content-filter finish and
      // no text. Answered with its own code instead of an empty message.
      if ((await stream.finishReason) === "content-filter") {
        failure = new AppError("MODEL_SAFETY_BLOCKED", "the model declined this request under its safety filters");
      }
    }
  } catch (error) {
    if (options.signal?.aborted) aborted = true;
    else failure = modelFailure(error);
  }

  deps.events.generation(
    {
      event: "agent_turn",
      uid: caller.uid,
      kind: "agent",
      tier,
      model: deps.modelId,
      status: aborted ? "aborted" : failure ? "failed" : "succeeded",
      latencyMs: Math.round(performance.now() - started),
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      toolCalls: toolCalls.size,
      ...(failure ? { errorCode: failure.code } : {}),
      ...(caller.trace ? { trace: caller.trace } : {}),
    },
    failure ? "ERROR" : "INFO",
  );

  if (failure) {
    const log = deps.logError ?? ((message: string) => console.error(JSON.stringify({ severity: "ERROR", message })));
    log(`agent turn failed (${failure.code}): ${describeCause(failure.cause)}`);
    emit({ type: "error", error: { code: failure.code, message: failure.message } });
    throw failure;
  }
  if (aborted) throw new AppError("UNAVAILABLE", "the turn was cancelled");
  const answer: AgentTurnResponse = { message, toolCalls: [...toolCalls.values()], usage };
  emit({ type: "message", ...answer });
  return answer;
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
