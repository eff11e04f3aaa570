// Evaluates the real Pulumi program under Pulumi's runtime mocks: no engine, no CLI, no
// credentials. Records every registered resource with its parent and resolved inputs.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SnapshotResource } from "@genai-platform/policies/snapshot.ts";
import * as pulumi from "@pulumi/pulumi";
import type { ProgramOptions } from "../program.ts";
import { mockCall, mockOutputs } from "./mocks.ts";
import { type RecordedResource, toSnapshotResources } from "./snapshot.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PROJECT = "genai-platform";

export interface EvaluateOptions {
  stack: string;
  /** Fully qualified config (`gcp:project`, `genai-platform:environment`, ...) as Pulumi passes it: strings. */
  config: Record<string, string>;
  /**
   * Prepares the program once config and mocks are in place (config validation, bundling) and
   * returns the function that declares its resources. Default: the real program
   * (`loadStackConfig()`, `preparePlatform()`, then `createPlatform()`). Tests pass a variant
   * (e.g. a changed definition). Preparing outside the stack makes its errors plain rejections.
   */
  program?: Program;
}

export type Program = () => Promise<() => unknown>;

export interface Evaluation {
  resources: SnapshotResource[];
  outputs: unknown;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getDependenciesList(): string[];
}

/** Wraps the mock monitor so each registration is recorded with its URN and parent. */
function recordRegistrations(recorded: RecordedResource[]): void {
  const monitor = (pulumi.runtime as unknown as { getMonitor(): any }).getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: RegisterRequest, callback: (err: unknown, res?: any) => void) => {
    register(req, (err: unknown, res?: { getUrn(): string }) => {
      if (!err && res && !req.getType().startsWith("pulumi:providers:")) {
        const inputs = pulumi.runtime.deserializeProperties(req.getObject() as any) as Record<string, unknown>;
        const dependsOn = [...new Set(req.getDependenciesList())].sort();
        recorded.push({
          urn: res.getUrn(),
          type: req.getType(),
          name: req.getName(),
          ...(req.getParent() ? { parent: req.getParent() } : {}),
          ...(dependsOn.length > 0 ? { dependsOn } : {}),
          inputs,
        });
      }
      callback(err, res);
    });
  };
}

/** The real program with its options (a changed definition, another bundle root) for tests. */
export function platformProgram(options: ProgramOptions = {}): Program {
  return async () => {
    const [{ loadStackConfig }, { preparePlatform, createPlatform }] = await Promise.all([
      import("../config.ts"),
      import("../program.ts"),
    ]);
    const prepared = await preparePlatform(loadStackConfig(), options);
    return () => createPlatform(prepared);
  };
}

/**
 * Runs the program under fresh mocks. Pulumi's runtime state is global: evaluations in one process
 * must run one after another (each resets the mocks and records only its own registrations).
 */
export async function evaluateStack(options: EvaluateOptions): Promise<Evaluation> {
  const project = options.config["gcp:project"] ?? "mock-project";
  const region = options.config["gcp:region"] ?? "europe-west1";
  pulumi.runtime.setAllConfig(options.config);
  pulumi.runtime.setMocks(
    {
      newResource: (args) => mockOutputs(args, project, region),
      call: (args) => mockCall(args, project),
    },
    PROJECT,
    options.stack,
    false,
  );
  const recorded: RecordedResource[] = [];
  recordRegistrations(recorded);
  const declare = await (options.program ?? platformProgram())();
  const outputs = await pulumi.runtime.runInPulumiStack(async () => declare());
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { resources: await toSnapshotResources(recorded, REPO_ROOT), outputs };
}
