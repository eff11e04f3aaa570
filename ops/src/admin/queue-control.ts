// Pauses and resumes Cloud Tasks queues through the v2 REST API: Google's endpoint with ADC for a
// stack, the local Cloud Tasks server (same paths, same answers) for `npm start`.
import { type QueueName, queuePath } from "@genai-platform/definition";
import type { PausableKind } from "@genai-platform/functions/ports/index.ts";
import { type GoogleCall, googleError } from "../google-call.ts";
import { queueActionUrl } from "../google-endpoints.ts";

/**
 * The queues a kind's pause holds. Image jobs run from `image-jobs`; video jobs start from
 * `video-jobs` and poll on `video-polls` (a held poll only delays reading an operation Veo keeps
 * rendering). The agent has no queue: its turns run in the request, so the kill switch is all.
 */
export const PAUSED_QUEUES: Record<PausableKind, readonly QueueName[]> = {
  image: ["image-jobs"],
  video: ["video-jobs", "video-polls"],
  agent: [],
};

export type QueueState = "PAUSED" | "RUNNING";

export interface QueueControl {
  /** Pauses or resumes `queue`; answers the state Cloud Tasks reports afterwards. */
  apply(queue: QueueName, action: "pause" | "resume"): Promise<QueueState>;
}

export function cloudTasksQueueControl(options: {
  /** `https://cloudtasks.googleapis.com`, or the local server's `http://127.0.0.1:PORT`. */
  baseUrl: string;
  project: string;
  location: string;
  call: GoogleCall;
}): QueueControl {
  return {
    async apply(queue, action) {
      const path = queuePath(options.project, options.location, queue);
      const answer = await options.call("POST", queueActionUrl(options.baseUrl, path, action), {});
      if (answer.status !== 200) throw new Error(`${action} ${queue}: ${googleError(answer)}`);
      const state = (answer.body as { state?: unknown }).state;
      if (state !== "PAUSED" && state !== "RUNNING") {
        throw new Error(`${action} ${queue}: Cloud Tasks answered state ${String(state)}`);
      }
      return state;
    },
  };
}
