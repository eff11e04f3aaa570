import { describe, expect, it } from "vitest";
import { PerKeySerializer } from "./per-key-serializer.ts";

/** A task that records when it runs and finishes only when released. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { done, release };
}

describe("PerKeySerializer", () => {
  it("runs one key's tasks one at a time, in order, while other keys run alongside", async () => {
    const serializer = new PerKeySerializer();
    const log: string[] = [];
    const first = gate();
    const a1 = serializer.run("a", async () => {
      log.push("a1 start");
      await first.done;
      log.push("a1 end");
    });
    const a2 = serializer.run("a", async () => {
      log.push("a2 start");
    });
    const b1 = serializer.run("b", async () => {
      log.push("b1 start");
    });
    await b1;
    expect(log).toEqual(["a1 start", "b1 start"]);
    first.release();
    await Promise.all([a1, a2]);
    expect(log).toEqual(["a1 start", "b1 start", "a1 end", "a2 start"]);
  });

  it("passes a failure to its caller only and keeps serving the key, then forgets idle keys", async () => {
    const serializer = new PerKeySerializer();
    const failed = serializer.run("a", async () => {
      throw new Error("boom");
    });
    const next = serializer.run("a", async () => "ok");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
    expect(serializer.size).toBe(0);
  });
});
