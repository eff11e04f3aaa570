import { describe, expect, it } from "vitest";
import { capacityOf, drainSeconds } from "./capacity.ts";
import { platform } from "./index.ts";

const capacity = capacityOf(platform, platform.defaultModels);
const queue = (name: string) => capacity.queues.find((q) => q.name === name)!;

describe("the capacity of the definition", () => {
  it("puts rate times the model's latency in flight on each queue (Little's law)", () => {
    expect(queue("image-jobs")).toMatchObject({ worker: "imageWorker", rate: 50, latencySeconds: 10, inFlight: 500 });
    expect(queue("video-polls")).toMatchObject({ worker: "videoWorker", rate: 0.5, latencySeconds: 2, inFlight: 1 });
  });

  it("sums a worker's queues and rounds the instances it needs up", () => {
    const video = capacity.workers.find((w) => w.name === "videoWorker")!;
    expect(video.inFlight).toBeCloseTo(1.6);
    expect(video).toMatchObject({ concurrency: 20, instancesNeeded: 1, slots: 200 });
    const image = capacity.workers.find((w) => w.name === "imageWorker")!;
    expect(image).toMatchObject({ instancesNeeded: 50, maxInstances: 60, slots: 600 });
  });

  it("counts a minute's dispatches to a model with one burst per queue, against its quota", () => {
    expect(capacity.models.find((m) => m.kind === "video")).toEqual({
      kind: "video",
      model: "veo-3.1-generate-001",
      demandPerMinute: 50,
      quotaPerMinute: 50,
    });
    expect(capacity.models.find((m) => m.kind === "image")?.quotaPerMinute).toBeUndefined();
  });

  it("drains a herd at the queue's rate after one burst, never before the last arrival", () => {
    expect(drainSeconds(queue("image-jobs"), 1_050, 1)).toBe(20 + 10);
    expect(drainSeconds(queue("image-jobs"), 1_050, 600)).toBe(600 + 10);
  });
});
