import { describe, expect, it } from "vitest";
import { AppError, ModelError } from "./errors.ts";
import { describeFailure } from "./job-lifecycle.ts";

describe("describeFailure", () => {
  it("keeps a model error's code and whether it can be retried", () => {
    expect(describeFailure(new ModelError("MODEL_RATE_LIMITED", "the image model is rate limited", true))).toEqual({
      code: "MODEL_RATE_LIMITED",
      message: "the image model is rate limited",
      retryable: true,
    });
  });

  it("names a store that did not answer in time, retryable, instead of INTERNAL", () => {
    expect(describeFailure(new AppError("UNAVAILABLE", "the data store is not answering; retry shortly"))).toEqual({
      code: "UNAVAILABLE",
      message: "the data store is not answering; retry shortly",
      retryable: true,
    });
  });

  it("answers INTERNAL, retryable, for anything else, without its message", () => {
    for (const error of [new Error("socket hang up"), new AppError("FORBIDDEN", "not yours")]) {
      expect(describeFailure(error)).toEqual({
        code: "INTERNAL",
        message: "the job could not be completed",
        retryable: true,
      });
    }
  });
});
