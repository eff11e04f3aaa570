import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PROPAGATION_SECONDS, PropagationWait, waitProvider } from "./propagation-wait.ts";

const registered: pulumi.runtime.MockResourceArgs[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "genai-platform",
    "test",
    false,
  );
});

describe("PropagationWait", () => {
  it("registers as an in-process dynamic resource with the default wait and its triggers", async () => {
    const wait = new PropagationWait("iam-propagation", { triggers: ["a", "b"] });
    await new Promise<void>((resolve) => wait.urn.apply(() => resolve()));
    const args = registered.find((r) => r.name === "iam-propagation")!;
    expect(args.type).toBe("pulumi-nodejs:dynamic/genai-platform:PropagationWait");
    expect(args.inputs.seconds).toBe(DEFAULT_PROPAGATION_SECONDS);
    expect(args.inputs.triggers).toEqual(["a", "b"]);
    expect(typeof args.inputs.__provider).toBe("string");
  });

  it("refuses a negative or fractional wait, naming the resource", () => {
    expect(() => new PropagationWait("w", { seconds: -1, triggers: [] })).toThrow("PropagationWait w: seconds");
    expect(() => new PropagationWait("w", { seconds: 1.5, triggers: [] })).toThrow("non-negative integer");
  });

  it("waits again when a trigger is added, not when the same triggers come in another order", async () => {
    const old = { seconds: 120, triggers: ["a", "b"] };
    expect((await waitProvider.diff!("id", old, { seconds: 120, triggers: ["b", "a"] })).changes).toBe(false);
    expect((await waitProvider.diff!("id", old, { seconds: 120, triggers: ["a", "b", "c"] })).changes).toBe(true);
    expect((await waitProvider.diff!("id", old, { seconds: 60, triggers: ["a", "b"] })).changes).toBe(true);
  });

  it("runs when loaded back from its serialized text, as Pulumi's provider host loads it", async () => {
    const requireFromPulumi = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi"));
    const requireFromString = requireFromPulumi("require-from-string") as (code: string) => { handler(): unknown };
    const serialized = await pulumi.runtime.serializeFunction(() => waitProvider);
    const provider = requireFromString(serialized.text).handler() as typeof waitProvider;
    await expect(provider.create({ seconds: 0, triggers: ["x"] })).resolves.toMatchObject({
      outs: { triggers: ["x"] },
    });
  });

  it("creates once the wait is over and keeps its inputs as outputs", async () => {
    const created = await waitProvider.create({ seconds: 0, triggers: ["a"] });
    expect(created.outs).toEqual({ seconds: 0, triggers: ["a"] });
    expect(created.id).toMatch(/^wait-/);
  });
});
