// The offline evaluator: stack config files resolve against the pack, levels and overrides apply,
// bad config names the key, and each policy judges resources by their own inputs.
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateSnapshot, loadPackConfig, resolvePackConfig, runPolicies, stackConfigPath } from "../src/evaluate.ts";
import { policies } from "../src/pack.ts";
import type { PackPolicy } from "../src/policy.ts";
import { baselineResources, fn, queue, snapshotOf, withInput } from "./fixtures.ts";

const byName = (name: string) => policies.find((p) => p.name === name)!;
const rateLimits = byName("gcp-cloudtasks-queue-rate-limits");
const overQueue = withInput(queue(), "rateLimits.maxDispatchesPerSecond", 400);

async function configFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "policies-config-"));
  const path = join(dir, "stack.json");
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("the pack", () => {
  it("has one policy per file under src/policies, each named after its file", async () => {
    const files = (await readdir(new URL("../src/policies/", import.meta.url)))
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => f.replace(/\.ts$/, ""));
    expect(policies.map((p) => p.name).sort()).toEqual(files.sort());
  });

  it("gives the engine a JSON Schema with the same keys as each zod config, without enforcementLevel", () => {
    for (const policy of policies.filter((p) => p.configZod)) {
      expect(Object.keys(policy.configSchema!.properties).sort(), policy.name).toEqual(
        Object.keys(policy.configZod!.shape).sort(),
      );
      expect(policy.configSchema!.properties).not.toHaveProperty("enforcementLevel");
    }
  });
});

describe("stack config files", () => {
  it.each(["dev", "prod"])("%s.json resolves against every policy of the pack", (stack) => {
    expect(loadPackConfig(stackConfigPath(stack))).toHaveLength(policies.length);
  });

  it("names every policy in prod.json and makes each one mandatory", async () => {
    const prod = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(stackConfigPath("prod"), "utf8")));
    expect(Object.keys(prod).sort()).toEqual(policies.map((p) => p.name).sort());
    expect(loadPackConfig(stackConfigPath("prod")).filter((r) => r.level !== "mandatory")).toEqual([]);
  });

  it("passes the compliant baseline stack under prod's config", async () => {
    expect(await evaluateSnapshot(snapshotOf(baselineResources()), { stack: "prod" })).toEqual([]);
  });

  it("uses dev's lower caps for dev", async () => {
    const hot = withInput(fn("image-worker", { worker: true }), "serviceConfig.maxInstanceCount", 80);
    const [violation] = await evaluateSnapshot(snapshotOf([hot], "dev"), { stack: "dev" });
    expect(violation).toMatchObject({ policy: "gcp-cloudfunctions-function-instance-limits", level: "mandatory" });
    expect(violation!.message).toContain("max instances 80 exceeds the cap 60");
    expect(await evaluateSnapshot(snapshotOf([hot], "prod"), { stack: "prod" })).toEqual([]);
  });

  it("judges each resource by its own inputs: a snapshot of one queue passes when the queue does", async () => {
    expect(await evaluateSnapshot(snapshotOf([queue()]), { stack: "prod" })).toEqual([]);
  });
});

describe("levels and overrides", () => {
  const run = (config: unknown, pack: readonly PackPolicy[] = [rateLimits]) =>
    runPolicies(resolvePackConfig(pack, config), { stack: "prod", resources: [overQueue] });

  it("uses the policy's own level without config", async () => {
    expect((await run({})).map((v) => v.level)).toEqual(["mandatory"]);
  });

  it("applies a level given as an object or as a bare string", async () => {
    expect((await run({ [rateLimits.name]: { enforcementLevel: "advisory" } })).map((v) => v.level)).toEqual([
      "advisory",
    ]);
    expect((await run({ [rateLimits.name]: "advisory" })).map((v) => v.level)).toEqual(["advisory"]);
  });

  it("applies the `all` level to policies without their own", async () => {
    expect((await run({ all: "advisory" })).map((v) => v.level)).toEqual(["advisory"]);
    expect((await run({ all: "advisory", [rateLimits.name]: "mandatory" })).map((v) => v.level)).toEqual(["mandatory"]);
    expect((await run({ all: { enforcementLevel: "disabled" } })).map((v) => v.level)).toEqual([]);
  });

  it("skips a disabled policy", async () => {
    expect(await run({ [rateLimits.name]: "disabled" })).toEqual([]);
  });

  it("applies config values over the defaults", async () => {
    expect(await run({ [rateLimits.name]: { maxDispatchesPerSecond: 500 } })).toEqual([]);
    const [violation] = await run({ [rateLimits.name]: { queues: { "image-jobs": { maxDispatchesPerSecond: 10 } } } });
    expect(violation!.message).toContain("exceeds the cap 10");
  });

  it("reports stack-wide violations on the stack's URN", async () => {
    const total = byName("gcp-cloudfunctions-stack-max-instances-total");
    const violations = await runPolicies(resolvePackConfig([total], { [total.name]: { maxInstancesTotal: 10 } }), {
      stack: "prod",
      resources: [fn()],
    });
    expect(violations.map((v) => v.urn)).toEqual([
      "urn:pulumi:prod::genai-platform::pulumi:pulumi:Stack::genai-platform-prod",
    ]);
  });
});

describe("bad config", () => {
  it.each([
    ["an unknown policy", { "gcp-nothing-like-this": {} }, "unknown policy gcp-nothing-like-this"],
    [
      "a cap of the wrong type",
      { [rateLimits.name]: { maxDispatchesPerSecond: "fast" } },
      "gcp-cloudtasks-queue-rate-limits.maxDispatchesPerSecond",
    ],
    ["a misspelt key", { [rateLimits.name]: { maxDispatchPerSecond: 5 } }, "maxDispatchPerSecond"],
    [
      "a nested bad value",
      { [rateLimits.name]: { queues: { "video-jobs": { maxConcurrentDispatches: -1 } } } },
      "gcp-cloudtasks-queue-rate-limits.queues.video-jobs.maxConcurrentDispatches",
    ],
    [
      "an unknown level",
      { [rateLimits.name]: { enforcementLevel: "strict" } },
      "gcp-cloudtasks-queue-rate-limits.enforcementLevel",
    ],
    [
      "config for a policy that takes none",
      { "gcp-iam-grant-no-primitive-roles": { roles: [] } },
      "gcp-iam-grant-no-primitive-roles.roles: this policy takes no config",
    ],
  ])("fails on %s, naming the key", (_, config, key) => {
    expect(() => resolvePackConfig(policies, config, "prod.json")).toThrow(key);
  });

  it("fails on a file that is not JSON, naming the file", async () => {
    const path = await configFile("{ nope");
    await expect(evaluateSnapshot(snapshotOf([]), { stack: "prod", configPath: path })).rejects.toThrow(
      `${path}: not valid JSON`,
    );
  });

  it("reads a config file given by path", async () => {
    const path = await configFile({ [rateLimits.name]: { enforcementLevel: "advisory" } });
    const violations = await evaluateSnapshot(snapshotOf([overQueue]), { stack: "prod", configPath: path });
    expect(violations.map((v) => [v.policy, v.level])).toEqual([[rateLimits.name, "advisory"]]);
  });
});

describe("policy failures", () => {
  it("names the policy and the resource when a policy throws", async () => {
    const broken: PackPolicy = {
      name: "broken",
      description: "throws",
      severity: "low",
      enforcementLevel: "mandatory",
      url: "https://cloud.google.com/",
      validateResource: () => {
        throw new Error("boom");
      },
    };
    await expect(runPolicies(resolvePackConfig([broken], {}), { stack: "prod", resources: [queue()] })).rejects.toThrow(
      `policy broken failed on ${queue().urn}: boom`,
    );
  });
});
