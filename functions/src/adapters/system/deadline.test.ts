import { describe, expect, it } from "vitest";
import { withDeadline } from "./deadline.ts";

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("withDeadline", () => {
  it("answers UNAVAILABLE with a Retry-After once the deadline passes, and tells the call it expired", async () => {
    let expiredSeen: () => boolean = () => false;
    const outcome = withDeadline((expired) => {
      expiredSeen = expired;
      return later(200);
    }, 20);
    await expect(outcome).rejects.toMatchObject({ code: "UNAVAILABLE", status: 503, retryAfterSeconds: 5 });
    expect(expiredSeen()).toBe(true);
  });

  it("turns gRPC UNAVAILABLE (14) into UNAVAILABLE at once and passes other errors through", async () => {
    await expect(
      withDeadline(() => Promise.reject(Object.assign(new Error("down"), { code: 14 }))),
    ).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    const other = Object.assign(new Error("contention"), { code: 10 });
    await expect(withDeadline(() => Promise.reject(other))).rejects.toBe(other);
  });
});
