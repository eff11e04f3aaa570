// Pausing and resuming through Cloud Tasks' REST API: the URL form on Google's endpoint, the empty
// body, and Google's error words carried into the failure.
import { describe, expect, it } from "vitest";
import type { GoogleAnswer, GoogleCall } from "../google-call.ts";
import { CLOUD_TASKS_BASE } from "../google-endpoints.ts";
import { cloudTasksQueueControl, PAUSED_QUEUES } from "./queue-control.ts";

function recordingCall(answer: GoogleAnswer) {
  const calls: Array<{ method: string; url: string; body: unknown }> = [];
  const call: GoogleCall = async (method, url, body) => {
    calls.push({ method, url, body });
    return answer;
  };
  return { calls, call };
}

const control = (call: GoogleCall) =>
  cloudTasksQueueControl({ baseUrl: CLOUD_TASKS_BASE, project: "genai-platform-dev", location: "europe-west1", call });

describe("the Cloud Tasks queue control", () => {
  it("posts an empty body to queues/{q}:pause and answers the state Cloud Tasks reports", async () => {
    const { calls, call } = recordingCall({ status: 200, body: { name: "q", state: "PAUSED" } });
    expect(await control(call).apply("video-polls", "pause")).toBe("PAUSED");
    expect(calls).toEqual([
      {
        method: "POST",
        url: "https://cloudtasks.googleapis.com/v2/projects/genai-platform-dev/locations/europe-west1/queues/video-polls:pause",
        body: {},
      },
    ]);
  });

  it("fails in Google's words when the call is refused", async () => {
    const { call } = recordingCall({
      status: 403,
      body: { error: { code: 403, status: "PERMISSION_DENIED", message: "cloudtasks.queues.resume denied" } },
    });
    await expect(control(call).apply("image-jobs", "resume")).rejects.toThrow(
      "resume image-jobs: 403 PERMISSION_DENIED: cloudtasks.queues.resume denied",
    );
  });

  it("fails when the answer carries no state it knows", async () => {
    const { call } = recordingCall({ status: 200, body: { state: "DISABLED" } });
    await expect(control(call).apply("image-jobs", "resume")).rejects.toThrow("Cloud Tasks answered state DISABLED");
  });

  it("holds every queue a kind's jobs pass through, and none for the agent", () => {
    expect(PAUSED_QUEUES).toEqual({ image: ["image-jobs"], video: ["video-jobs", "video-polls"], agent: [] });
  });
});
