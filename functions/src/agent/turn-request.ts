// Reading one agent turn's body: the conversation is bounded in count and size (the client resends
// it every turn); too much is 413, any other defect 400 naming the field. Nothing is charged before.
import { AGENT_LIMITS, type AgentTurnRequest, agentTurnRequestSchema } from "@genai-platform/client/api";
import { AppError } from "../domain/errors.ts";

/** Raw body bound: the total character limit in multi-byte text plus JSON framing. */
export const AGENT_MAX_BODY_BYTES = AGENT_LIMITS.maxTotalChars * 4 + 16 * 1024;

export function parseTurnRequest(body: unknown): AgentTurnRequest {
  const parsed = agentTurnRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue?.code === "unrecognized_keys" ? issue.keys.join(".") : "";
    const field = keys || issue?.path.map(String).join(".") || undefined;
    const tooMany = issue?.code === "too_big" && field === "messages";
    const message = `${field ?? "body"}: ${issue?.message ?? "is invalid"}`;
    throw new AppError(tooMany ? "PAYLOAD_TOO_LARGE" : "INVALID_ARGUMENT", message, field ? { field } : {});
  }
  const request = parsed.data;
  const chars =
    request.messages.reduce((sum, m) => sum + m.content.length, 0) +
    (request.brief ? JSON.stringify(request.brief).length : 0);
  if (chars > AGENT_LIMITS.maxTotalChars) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `messages: the conversation is ${chars} characters; at most ${AGENT_LIMITS.maxTotalChars} are accepted`,
      { field: "messages" },
    );
  }
  return request;
}
