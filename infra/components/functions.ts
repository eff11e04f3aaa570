// The Cloud Functions (Gen 2, nodejs22): each deployable's bundle uploaded under a content-hashed
// object name, its own identity, limits and ingress, and the environment its config parser requires.

import { type FunctionDefinition, serviceName } from "@genai-platform/definition";
import {
  type FunctionEnvContext,
  functionEnvironment,
  predictedFunctionUrl,
} from "@genai-platform/definition/function-env";
import type { BundleResult } from "@genai-platform/functions/bundle";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface FunctionsArgs {
  /** Project the functions run in. */
  project: string;
  /** Region of the functions (and their Cloud Run services). */
  region: string;
  /** The deployables, from the platform definition. */
  functions: readonly FunctionDefinition[];
  /** Bundle per function name (see functions/build/bundle.ts). */
  bundles: Readonly<Record<string, BundleResult>>;
  /** Runtime service account email per function name. */
  serviceAccountEmails: Readonly<Record<string, pulumi.Input<string>>>;
  /** Bucket the source bundles are uploaded to. */
  sourceBucket: pulumi.Input<string>;
  /** Full name (`projects/P/serviceAccounts/EMAIL`) of the identity Cloud Build builds as. */
  buildServiceAccount: pulumi.Input<string>;
  /** Artifact Registry repository the images go to: `projects/P/locations/L/repositories/R`. */
  dockerRepository: pulumi.Input<string>;
  /** Project number, for the deterministic run.app URL of a worker that enqueues onto its own queue. */
  projectNumber: pulumi.Input<string>;
  /** Environment shared by all functions (worker URLs are filled in here). */
  env: Omit<FunctionEnvContext<pulumi.Input<string>>, "workerUrls" | "local">;
  /** Labels for every function (env, managed-by). */
  labels: Record<string, string>;
  /**
   * Instances kept warm per function name (the stack's `minInstances`), each at most that
   * function's maxInstances. Default: every function's own `minInstances` from the definition.
   */
  minInstances?: Readonly<Record<string, number>>;
  /** Node.js runtime. Default: `nodejs22`. */
  runtime?: string;
}

export class Functions extends pulumi.ComponentResource {
  /** Function per definition name. */
  readonly functions: Record<string, gcp.cloudfunctionsv2.Function>;

  constructor(name: string, args: FunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Functions", name, {}, opts);
    const normalized = normalizeFunctionsArgs(args);
    this.functions = {};
    const workerUrls: Record<string, pulumi.Input<string>> = {};
    // Workers first: enqueuing functions need their URLs. Tasks target the Cloud Run service URL
    // (run.app), the only form internal-only ingress counts as internal for Cloud Tasks, and the
    // audience Cloud Run always accepts; not the cloudfunctions.net URL.
    // Source: https://cloud.google.com/run/docs/securing/ingress ("using the default run.app URL")
    for (const fn of normalized.ordered) {
      const own: Record<string, pulumi.Input<string>> = { ...workerUrls };
      if (fn.trigger === "task") {
        // A worker that enqueues onto its own queue cannot wait for its own URL: predict it.
        const predicted = pulumi
          .output(args.projectNumber)
          .apply((number) => predictedFunctionUrl(number, args.region, serviceName(fn.name)));
        for (const queue of fn.drains) own[queue] = predicted;
      }
      const created = createFunction(this, name, normalized, fn, { ...normalized.env, workerUrls: own });
      this.functions[fn.name] = created;
      if (fn.trigger === "task") {
        const uri = created.serviceConfig.apply((s) => s?.uri ?? "");
        for (const queue of fn.drains) workerUrls[queue] = uri;
      }
    }
    this.registerOutputs({ urls: Object.fromEntries(Object.entries(this.functions).map(([n, f]) => [n, f.url])) });
  }
}

type Normalized = ReturnType<typeof normalizeFunctionsArgs>;

function normalizeFunctionsArgs(args: FunctionsArgs) {
  for (const fn of args.functions) {
    if (!args.bundles[fn.name]) throw new Error(`Functions: no bundle for ${fn.name}`);
    if (args.serviceAccountEmails[fn.name] === undefined)
      throw new Error(`Functions: no service account for ${fn.name}`);
  }
  const minInstances = args.minInstances ?? {};
  for (const [name, count] of Object.entries(minInstances)) {
    const fn = args.functions.find((f) => f.name === name);
    if (!fn) throw new Error(`Functions: minInstances.${name} names no function`);
    if (!Number.isInteger(count) || count < 0 || count > fn.maxInstances) {
      throw new Error(
        `Functions: minInstances.${name} must be a whole number from 0 to ${fn.maxInstances}, got ${count}`,
      );
    }
  }
  // Workers, then the sweeper, then the public endpoints: each enqueuer comes after the workers it targets.
  const rank = { task: 0, schedule: 1, https: 2 } as const;
  const ordered = [...args.functions].sort((a, b) => rank[a.trigger] - rank[b.trigger]);
  return { ...args, ordered, minInstances, runtime: args.runtime ?? "nodejs22" };
}

/** Gen 2 serves more than one request per instance only with at least one whole vCPU. */
function cpuFor(fn: FunctionDefinition): string | undefined {
  return fn.concurrency > 1 ? "1" : undefined;
}

function createFunction(
  parent: pulumi.Resource,
  prefix: string,
  args: Normalized,
  fn: FunctionDefinition,
  env: FunctionEnvContext<pulumi.Input<string>>,
): gcp.cloudfunctionsv2.Function {
  const service = serviceName(fn.name);
  const bundle = args.bundles[fn.name]!;
  // The object name carries the bundle's content hash: new code, new object, new deployment.
  const source = new gcp.storage.BucketObject(
    `${prefix}-${service}-source`,
    {
      bucket: args.sourceBucket,
      name: `${service}/${bundle.objectName}`,
      source: new pulumi.asset.FileArchive(bundle.outDir),
      contentType: "application/zip",
    },
    { parent },
  );
  const cpu = cpuFor(fn);
  return new gcp.cloudfunctionsv2.Function(
    `${prefix}-${service}`,
    {
      project: args.project,
      location: args.region,
      name: service,
      description: fn.description,
      labels: { ...args.labels, function: service, trigger: fn.trigger },
      buildConfig: {
        runtime: args.runtime,
        entryPoint: fn.name,
        serviceAccount: args.buildServiceAccount,
        dockerRepository: args.dockerRepository,
        source: { storageSource: { bucket: args.sourceBucket, object: source.name } },
      },
      serviceConfig: {
        serviceAccountEmail: args.serviceAccountEmails[fn.name]!,
        availableMemory: `${fn.memoryMiB}Mi`,
        ...(cpu ? { availableCpu: cpu } : {}),
        timeoutSeconds: fn.timeoutSeconds,
        // Idle instances are billed: README "Stack config" and "Cold start" give the price.
        // Source: https://cloud.google.com/run/docs/configuring/min-instances
        minInstanceCount: args.minInstances[fn.name] ?? fn.minInstances,
        maxInstanceCount: fn.maxInstances,
        maxInstanceRequestConcurrency: fn.concurrency,
        ingressSettings: fn.ingress === "public" ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY",
        allTrafficOnLatestRevision: true,
        environmentVariables: functionEnvironment(fn, env),
      },
    },
    { parent },
  );
}
