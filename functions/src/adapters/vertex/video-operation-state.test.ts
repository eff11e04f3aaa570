import { GenerateVideosOperation } from "@google/genai";
import { describe, expect, it } from "vitest";
import type { VideoOperationState } from "../../ports/index.ts";
import { operationState } from "./video-model.ts";

function operation(fields: Partial<GenerateVideosOperation>): GenerateVideosOperation {
  return Object.assign(new GenerateVideosOperation(), fields);
}

describe("reading a Veo operation", () => {
  it.each<[string, Partial<GenerateVideosOperation>, VideoOperationState]>([
    ["a pending operation as not done", { done: false }, { done: false }],
    ["an operation without a done flag as not done", {}, { done: false }],
    [
      "a finished operation as its videos",
      {
        done: true,
        response: { generatedVideos: [{ video: { uri: "gs://b/users/u/videos/j/1.mp4", mimeType: "video/mp4" } }] },
      },
      { done: true, videos: [{ uri: "gs://b/users/u/videos/j/1.mp4", mimeType: "video/mp4" }] },
    ],
    [
      "an operation error without its upstream message",
      { done: true, error: { code: 13, message: "internal detail at host x" } },
      { done: true, error: { code: "VIDEO_OPERATION_FAILED", message: "the video operation failed (code 13)" } },
    ],
    [
      "filtered output with its reasons",
      { done: true, response: { raiMediaFilteredCount: 1, raiMediaFilteredReasons: ["violence"] } },
      { done: true, filtered: "the video was blocked by safety filters: violence" },
    ],
    [
      "a finished operation with no video as filtered",
      { done: true, response: {} },
      { done: true, filtered: "the video model returned no video" },
    ],
  ])("reads %s", (_name, fields, expected) => {
    expect(operationState(operation(fields))).toEqual(expected);
  });
});
