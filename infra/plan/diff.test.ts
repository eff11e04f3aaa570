import type { SnapshotResource } from "@genai-platform/policies/snapshot.ts";
import { describe, expect, it } from "vitest";
import { diffSnapshots, diffValues } from "./diff.ts";

const queue = (rate: number, extra: Record<string, unknown> = {}): SnapshotResource => ({
  urn: "urn:pulumi:dev::genai-platform::gcp:cloudtasks/queue:Queue::queues-image-jobs",
  type: "gcp:cloudtasks/queue:Queue",
  name: "queues-image-jobs",
  inputs: { name: "image-jobs", rateLimits: { maxDispatchesPerSecond: rate, maxConcurrentDispatches: 500 }, ...extra },
});
const bucket: SnapshotResource = {
  urn: "urn:pulumi:dev::genai-platform::gcp:storage/bucket:Bucket::storage-media",
  type: "gcp:storage/bucket:Bucket",
  name: "storage-media",
  inputs: { name: "media" },
};

describe("diffValues", () => {
  it.each([
    ["equal values", { a: 1, b: [1, { c: "x" }] }, { a: 1, b: [1, { c: "x" }] }, []],
    ["a changed leaf", { a: { b: 1 } }, { a: { b: 2 } }, [{ path: "a.b", before: 1, after: 2, kind: "changed" }]],
    ["an added key", { a: 1 }, { a: 1, b: true }, [{ path: "b", after: true, kind: "added" }]],
    ["a removed key", { a: 1, b: true }, { a: 1 }, [{ path: "b", before: true, kind: "removed" }]],
    ["a grown array", { l: ["x"] }, { l: ["x", "y"] }, [{ path: "l[1]", after: "y", kind: "added" }]],
    [
      "a type change",
      { a: { b: 1 } },
      { a: "text" },
      [{ path: "a", before: { b: 1 }, after: "text", kind: "changed" }],
    ],
    ["an odd key", { "a/b": 1 }, { "a/b": 2 }, [{ path: '"a/b"', before: 1, after: 2, kind: "changed" }]],
  ])("reports %s", (_, before, after, expected) => {
    expect(diffValues(before, after)).toEqual(expected);
  });
});

describe("diffSnapshots", () => {
  it("finds added, removed and changed resources with property-level changes", () => {
    const diff = diffSnapshots({ resources: [queue(50), bucket] }, { resources: [queue(40, { location: "x" })] });
    expect(diff.added).toEqual([]);
    expect(diff.removed.map((r) => r.name)).toEqual(["storage-media"]);
    expect(diff.changed).toEqual([
      {
        urn: queue(50).urn,
        type: "gcp:cloudtasks/queue:Queue",
        changes: [
          { path: "location", after: "x", kind: "added" },
          { path: "rateLimits.maxDispatchesPerSecond", before: 50, after: 40, kind: "changed" },
        ],
      },
    ]);
    expect(diffSnapshots({ resources: [] }, { resources: [bucket] }).added).toEqual([bucket]);
  });

  it("reports nothing for identical snapshots", () => {
    expect(diffSnapshots({ resources: [queue(50), bucket] }, { resources: [bucket, queue(50)] })).toEqual({
      added: [],
      removed: [],
      changed: [],
    });
  });
});
