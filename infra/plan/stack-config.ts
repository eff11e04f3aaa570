// Reads a stack's config the way the Pulumi CLI hands it to a program: `Pulumi.<stack>.yaml`
// values over `Pulumi.yaml` defaults, every value as a string (JSON for non-strings).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";

interface ProjectFile {
  name: string;
  config?: Record<string, { default?: unknown } | unknown>;
}

interface StackFile {
  config?: Record<string, unknown>;
}

function load<T>(path: string): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`${path} does not exist`);
  }
  return (yaml.load(text) ?? {}) as T;
}

const asConfigString = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

export function readStackConfig(root: string, stack: string): Record<string, string> {
  const project = load<ProjectFile>(join(root, "Pulumi.yaml"));
  const stackFile = load<StackFile>(join(root, `Pulumi.${stack}.yaml`));
  const config: Record<string, string> = {};
  for (const [key, spec] of Object.entries(project.config ?? {})) {
    const qualified = key.includes(":") ? key : `${project.name}:${key}`;
    if (spec && typeof spec === "object" && "default" in spec) config[qualified] = asConfigString(spec.default);
  }
  for (const [key, value] of Object.entries(stackFile.config ?? {})) {
    const qualified = key.includes(":") ? key : `${project.name}:${key}`;
    config[qualified] = asConfigString(value);
  }
  return config;
}
