import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./evaluate.ts";
import { readStackConfig } from "./stack-config.ts";

describe("readStackConfig", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "stack-config-"));
    await writeFile(
      join(dir, "Pulumi.yaml"),
      [
        "name: demo",
        "config:",
        "  gcp:project:",
        "    description: p",
        "  ttl:",
        "    type: integer",
        "    default: 900",
        "  region:",
        "    default: eu",
      ].join("\n"),
    );
    await writeFile(
      join(dir, "Pulumi.test.yaml"),
      [
        "config:",
        "  gcp:project: demo-1",
        "  demo:region: us",
        "  demo:origins:",
        "    - https://a.example",
        "  demo:limits: { free: { image: 1 } }",
        "  demo:on: true",
      ].join("\n"),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("qualifies keys, applies project defaults, and hands every value over as a string", () => {
    expect(readStackConfig(dir, "test")).toEqual({
      "gcp:project": "demo-1",
      "demo:ttl": "900",
      "demo:region": "us",
      "demo:origins": '["https://a.example"]',
      "demo:limits": '{"free":{"image":1}}',
      "demo:on": "true",
    });
  });

  it("names the stack file that does not exist", () => {
    expect(() => readStackConfig(dir, "staging")).toThrow(/Pulumi\.staging\.yaml does not exist/);
  });

  it.each(["dev", "prod"])("reads the repository's %s stack", (stack) => {
    const config = readStackConfig(REPO_ROOT, stack);
    expect(config["genai-platform:environment"]).toBe(stack);
    expect(config["genai-platform:firestoreLocation"]).toBeTruthy();
  });
});
