// The environment a function receives: exactly the variables its own config parser
// (runtime-config.ts) requires, derived from its access in the platform definition. One
// derivation for every deployer: infra passes late values (Pulumi outputs), the local platform strings.
import type { z } from "zod";
import { type FunctionDefinition, type ModelChoices, queueEnvKeys, queuePath, type TierLimits } from "../index.ts";
import { type AppCheckMode, type LocalEndpoints, runtimeEnvSchema, spendsOnGeneration } from "./runtime-config.ts";

/**
 * What a function's environment is made of. `V` is the type of values only known later (a
 * bucket name or URL the deployer has not created yet); the rest is plain data.
 */
export interface FunctionEnvContext<V> {
  environment: "local" | "dev" | "prod";
  project: string;
  /** Region of the functions and queues (queue paths are built from it). */
  region: string;
  /** The stack's model and Vertex AI location per kind (the definition's defaults unless overridden). */
  models: ModelChoices;
  mediaBucket: string | V;
  /** Effective tier limits: the stack's override, else the definition's. */
  tierLimits: TierLimits;
  /** The global daily budget in USD, reserved at admission; absent: unlimited. */
  dailyBudgetUsd?: number;
  /** Origins allowed by CORS on public functions. */
  webOrigins: readonly string[];
  /** Sign-in providers that may generate; absent: any. */
  signInProviders?: readonly string[];
  /** Refuse generation to accounts without a verified email; default false. */
  requireEmailVerified?: boolean;
  /** Firebase App Check on the spending endpoints; absent: off. `consume` turns on replay protection. */
  appCheck?: { mode: AppCheckMode; consume?: boolean };
  /** The project's number (App Check tokens' issuer and audience); required unless App Check is off. */
  projectNumber?: string | V;
  /** Identity Cloud Tasks signs worker calls with. */
  tasksInvokerEmail: string | V;
  signedUrlTtlSeconds: number;
  /** URL of the worker that drains each queue, by queue name. */
  workerUrls: Readonly<Record<string, string | V>>;
  /** Local stand-in endpoints; only with `environment: "local"` (the parser refuses them elsewhere). */
  local?: LocalEndpoints;
}

export class FunctionEnvError extends Error {
  readonly functionName: string;
  constructor(functionName: string, message: string) {
    super(`${functionName}: ${message}`);
    this.name = "FunctionEnvError";
    this.functionName = functionName;
  }
}

const LOCAL_KEYS = {
  vertexBaseUrl: "VERTEX_BASE_URL",
  cloudTasksEndpoint: "CLOUD_TASKS_ENDPOINT",
  storageEmulatorHost: "STORAGE_EMULATOR_HOST",
  appCheckBaseUrl: "APP_CHECK_BASE_URL",
} as const satisfies Record<keyof LocalEndpoints, string>;

/** Keys the function's own schema cannot do without (no default, not optional). */
function requiredKeys(fn: FunctionDefinition): string[] {
  return Object.entries(runtimeEnvSchema(fn).shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([key]) => key);
}

/**
 * The variables `fn` needs, and no others. Throws a FunctionEnvError naming the queue when a queue
 * it enqueues onto has no worker URL, or naming the keys if the derivation ever falls behind the
 * parser (so a deployer cannot ship a function that fails at cold start).
 */
export function functionEnvironment<V>(fn: FunctionDefinition, ctx: FunctionEnvContext<V>): Record<string, string | V> {
  const env: Record<string, string | V> = {
    PLATFORM_ENV: ctx.environment,
    GCP_PROJECT: ctx.project,
    GCP_REGION: ctx.region,
    SIGNED_URL_TTL_SECONDS: String(ctx.signedUrlTtlSeconds),
  };
  if (needsModels(fn)) env.VERTEX_MODELS = JSON.stringify(ctx.models);
  if (fn.access.mediaBucket !== "none") env.MEDIA_BUCKET = ctx.mediaBucket;
  if (fn.trigger === "https") {
    env.TIER_LIMITS = JSON.stringify(ctx.tierLimits);
    env.WEB_ORIGINS = ctx.webOrigins.join(",");
  }
  // The gate and the budget sit in front of spending only: reads (getJob, getUsage) never see them.
  if (spendsOnGeneration(fn)) {
    if (ctx.signInProviders) env.SIGN_IN_PROVIDERS = ctx.signInProviders.join(",");
    if (ctx.requireEmailVerified) env.REQUIRE_EMAIL_VERIFIED = "true";
    if (ctx.appCheck && ctx.appCheck.mode !== "off") {
      if (ctx.projectNumber === undefined) {
        throw new FunctionEnvError(fn.name, `App Check is ${ctx.appCheck.mode}, but the project number is not known`);
      }
      env.APP_CHECK_MODE = ctx.appCheck.mode;
      if (ctx.appCheck.consume) env.APP_CHECK_CONSUME = "true";
      env.PROJECT_NUMBER = ctx.projectNumber;
    }
    if (ctx.dailyBudgetUsd !== undefined) env.DAILY_BUDGET_USD = ctx.dailyBudgetUsd.toFixed(6);
  }
  if (fn.access.enqueues.length > 0) {
    env.TASKS_INVOKER_EMAIL = ctx.tasksInvokerEmail;
    for (const queue of fn.access.enqueues) {
      const url = ctx.workerUrls[queue];
      if (url === undefined) {
        throw new FunctionEnvError(fn.name, `enqueues onto queue "${queue}", but no worker URL is known for it`);
      }
      const keys = queueEnvKeys(queue);
      env[keys.path] = queuePath(ctx.project, ctx.region, queue);
      env[keys.workerUrl] = url;
    }
  }
  for (const [field, key] of Object.entries(LOCAL_KEYS) as [keyof LocalEndpoints, string][]) {
    const value = ctx.local?.[field];
    if (value === undefined) continue;
    if (ctx.environment !== "local") {
      throw new FunctionEnvError(fn.name, `${key} points at a local stand-in and is only set for the local platform`);
    }
    env[key] = value;
  }
  const missing = requiredKeys(fn).filter((key) => !(key in env));
  if (missing.length > 0) {
    throw new FunctionEnvError(fn.name, `the environment lacks ${missing.join(", ")}, which runtime-config requires`);
  }
  return env;
}

/** Functions that call a model, or admit jobs and record which model will run them. */
export function needsModels(fn: FunctionDefinition): boolean {
  return fn.access.vertexAi || fn.access.enqueues.length > 0;
}

/**
 * A worker's Cloud Run service URL in its deterministic form, known before the service exists: a
 * worker that enqueues its own follow-up tasks cannot wait for its own URL output. Cloud Tasks must
 * target the run.app URL for internal-only ingress to count it as internal, and the same URL is
 * the OIDC audience Cloud Run always accepts.
 * Source: https://cloud.google.com/run/docs/triggering/https-request#deterministic (URL form
 * `https://SERVICE-PROJECT_NUMBER.REGION.run.app`); https://cloud.google.com/run/docs/securing/ingress
 */
export function predictedFunctionUrl(projectNumber: string, region: string, serviceName: string): string {
  return `https://${serviceName}-${projectNumber}.${region}.run.app`;
}
