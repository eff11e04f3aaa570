import { platform } from "@genai-platform/definition";
import { describe, expect, it } from "vitest";
import { duration, renderCapacity } from "./capacity.ts";

const text = renderCapacity(platform, platform.defaultModels, { users: 1_000_000, peakSeconds: 3_600 });

describe("the capacity table", () => {
  it("prints each queue's rate, the herd's arrival rate, its backlog after the peak and its drain time", () => {
    // 1,000,000 - 50 burst - 50/s x 3,600 s = 819,950 left; (1,000,000 - 50) / 50 + 10 s = 5 h 33 m.
    expect(text).toMatch(/image-jobs\s+imageWorker\s+50\/s\s+277\.78\/s\s+819950\s+5h 33m\s+50 x 10s = 500\s+500\n/);
    expect(text).toMatch(/video-jobs\s+videoWorker\s+0\.3\/s\s+277\.78\/s\s+998919\s+38d 13h\s+0\.3 x 2s = 0\.6\s+50/);
  });

  it("sets each worker's instances x concurrency needed beside what it may scale to", () => {
    expect(text).toMatch(/imageWorker\s+500\s+50 x 10\s+60 x 10 = 600\s+ok\n/);
    expect(text).toMatch(/videoWorker\s+1\.6\s+1 x 20\s+10 x 20 = 200\s+ok\n/);
  });

  it("marks a worker that cannot hold its queue's rate", () => {
    const small = structuredClone(platform) as any;
    small.functions.find((f: any) => f.name === "imageWorker").maxInstances = 40;
    const short = renderCapacity(small, platform.defaultModels, { users: 10, peakSeconds: 1 });
    expect(short).toMatch(/imageWorker\s+500\s+50 x 10\s+40 x 10 = 400\s+SHORT\n/);
  });

  it("shows the model quota headroom, and the shared pool where Google sets no per-project quota", () => {
    expect(text).toMatch(/video\s+veo-3\.1-generate-001\s+50\s+50\s+0\n/);
    expect(text).toMatch(/image\s+gemini-3-pro-image-preview\s+3050\s+shared pool\s+no per-project quota/);
  });

  it("names the basis of every latency it uses", () => {
    expect(text).toContain("gemini-3-pro-image-preview: assumption, ~10 s per image");
    expect(text).toContain("veo-3.1-generate-001: assumption, ~2 s per start or poll call");
  });

  it.each([
    [0, "0s"],
    [90, "1m 30s"],
    [3_600, "1h"],
    [20_010, "5h 33m"],
    [3_333_343, "38d 13h"],
  ])("writes %d seconds as %s", (seconds, expected) => {
    expect(duration(seconds)).toBe(expected);
  });
});
