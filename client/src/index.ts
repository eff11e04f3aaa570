// The generation API's typed client, for the web app (the `ImageService` of the architecture).
export type {
  Admitted,
  AgentMessage,
  AgentStreamEvent,
  AgentToolCall,
  AgentTurnResponse,
  CreativeBrief,
  ImageRequest,
  JobStatus,
  JobView,
  UsageView,
  VideoRequest,
} from "./api.ts";
export {
  CLIENT_CODES,
  ClientError,
  type ClientErrorCode,
  type ErrorCode,
  SERVER_CODES,
  type ServerErrorCode,
} from "./errors.ts";
export {
  type ChatOptions,
  createGenAiClient,
  type GenAiClient,
  type GenAiClientOptions,
  type GenerateOptions,
  type ImageInput,
  type RequestOptions,
  type VideoInput,
  type WaitOptions,
} from "./genai-client.ts";
export { POLL_SCHEDULES, type PollSchedule } from "./poll.ts";
export type { RetryPolicy } from "./retry.ts";
