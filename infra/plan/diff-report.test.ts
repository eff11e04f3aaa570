import type { Snapshot, SnapshotResource } from "@genai-platform/policies/snapshot.ts";
import { describe, expect, it } from "vitest";
import { renderDiffOnly } from "./diff-report.ts";

const urn = (type: string, name: string) => `urn:pulumi:dev::genai-platform::${type}::${name}`;
const FUNCTION = "gcp:cloudfunctionsv2/function:Function";

const fn = (name: string, tiers: object, hash = "a1"): SnapshotResource => ({
  urn: urn(FUNCTION, `functions-${name}`),
  type: FUNCTION,
  name: `functions-${name}`,
  inputs: {
    name,
    buildConfig: { source: { storageSource: { object: `${name}-${hash}.zip` } } },
    serviceConfig: { environmentVariables: { TIER_LIMITS: JSON.stringify(tiers), PLATFORM_ENV: "dev" } },
  },
});
const queue = (rate: number): SnapshotResource => ({
  urn: urn("gcp:cloudtasks/queue:Queue", "queues-image-jobs"),
  type: "gcp:cloudtasks/queue:Queue",
  name: "queues-image-jobs",
  inputs: { name: "image-jobs", rateLimits: { maxDispatchesPerSecond: rate } },
});
const bucket = (name: string): SnapshotResource => ({
  urn: urn("gcp:storage/bucket:Bucket", name),
  type: "gcp:storage/bucket:Bucket",
  name,
  inputs: { name },
});
const snapshot = (resources: SnapshotResource[], stack = "dev"): Snapshot => ({ stack, resources, violations: [] });

const before = { free: { image: 10 }, pro: { image: 100 } };
const after = { free: { image: 10 }, pro: { image: 200 } };

describe("the diff a reviewer reads", () => {
  it("starts with the counts, shows a change shared by several functions once, and diffs JSON variables as JSON", () => {
    const earlier = snapshot([
      fn("generate-image", before),
      fn("get-job", before),
      fn("image-worker", before),
      queue(50),
      bucket("old"),
    ]);
    const current = snapshot([
      fn("generate-image", after),
      fn("get-job", after),
      fn("image-worker", after, "b2"),
      queue(40),
      bucket("new"),
    ]);
    expect(renderDiffOnly(earlier, current)).toMatchInlineSnapshot(`
      "Changes against the earlier snapshot: 1 to add, 4 to change, 1 to remove

      Added
        + gcp:storage/bucket:Bucket new

      Removed
        - gcp:storage/bucket:Bucket old

      Changed the same way in several resources (1)
        ~ serviceConfig.environmentVariables.TIER_LIMITS → pro.image: 100 => 200
            in 3 × gcp:cloudfunctionsv2/function:Function:
              functions-generate-image, functions-get-job, functions-image-worker

      Changed
        ~ gcp:cloudfunctionsv2/function:Function functions-image-worker (and 1 shared above)
            ~ buildConfig.source.storageSource.object: "image-worker-a1.zip" => "image-worker-b2.zip"
        ~ gcp:cloudtasks/queue:Queue queues-image-jobs
            ~ rateLimits.maxDispatchesPerSecond: 50 => 40

      Policy violations: none"
    `);
  });

  it("says so when nothing changed", () => {
    expect(renderDiffOnly(snapshot([queue(50)]), snapshot([queue(50)]))).toMatchInlineSnapshot(`
      "Changes against the earlier snapshot: 0 to add, 0 to change, 0 to remove

      Policy violations: none"
    `);
  });

  it("warns when the earlier snapshot is of another stack", () => {
    expect(renderDiffOnly(snapshot([queue(50)], "prod"), snapshot([queue(50)])).split("\n")[0]).toBe(
      "warning: the earlier snapshot is of stack prod, this plan is of dev",
    );
  });

  it("cuts long values so one line stays readable", () => {
    const long = (v: string): SnapshotResource => ({ ...bucket("b"), inputs: { policy: v } });
    const text = renderDiffOnly(snapshot([long("x".repeat(500))]), snapshot([long("y".repeat(500))]));
    expect(Math.max(...text.split("\n").map((l) => l.length))).toBeLessThan(230);
  });
});
