// The environment each deployed function requires, derived from its entry in the platform
// definition. infra/ sets exactly these variables; its tests parse them with this same schema.
import { z } from "zod";
import {
  type FunctionDefinition,
  type FunctionName,
  getFunction,
  type ModelChoices,
  microUsd,
  modelChoicesSchema,
  type QueueName,
  queueEnvKeys,
  type TierLimits,
  tierLimitsSchema,
} from "../index.ts";
import { localOnlyVariablesIn } from "./local-only-variables.ts";

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

export interface QueueTarget {
  /** `projects/P/locations/L/queues/Q` */
  path: string;
  /** URL of the worker that drains the queue; tasks POST here. */
  workerUrl: string;
}

export interface RuntimeConfig {
  functionName: FunctionName;
  environment: "local" | "dev" | "prod";
  project: string;
  region: string;
  /**
   * The model id and Vertex AI location of each kind; for functions that call models or admit jobs
   * (which record the model that will run them).
   */
  models?: ModelChoices;
  mediaBucket?: string;
  tierLimits?: TierLimits;
  /**
   * The stack's global daily budget (`DAILY_BUDGET_USD`) in micro-USD, reserved at admission;
   * undefined: unlimited. Spending functions only.
   */
  dailyBudgetMicroUsd?: number;
  /** Origins allowed by CORS on public functions. */
  webOrigins: string[];
  /** Sign-in providers that may generate (stack config `signInProviders`); undefined: any. */
  signInProviders?: string[];
  /** Refuse generation to accounts whose email is not verified (stack config `requireEmailVerified`). */
  requireEmailVerified?: boolean;
  /**
   * Firebase App Check on the spending endpoints: `off` does not read the header, `monitor` verifies
   * and logs failures but admits, `enforce` refuses. Spending functions only; default `off`.
   */
  appCheckMode?: AppCheckMode;
  /** Replay protection: each App Check token is consumed on its first use (`enforce`/`monitor` only). */
  appCheckConsume?: boolean;
  /** The project's number: App Check tokens name it as issuer and audience. Required unless App Check is off. */
  projectNumber?: string;
  /** Identity Cloud Tasks signs worker calls with; only for functions that enqueue. */
  tasksInvokerEmail?: string;
  queues: Partial<Record<QueueName, QueueTarget>>;
  /** Lifetime of signed media URLs. */
  signedUrlTtlSeconds: number;
  /**
   * Local stand-ins the adapters talk to instead of Google's endpoints. Only `PLATFORM_ENV=local`
   * may set them (the local platform and tests); a deployed function refuses to start with them.
   */
  local: LocalEndpoints;
}

export const APP_CHECK_MODES = ["off", "monitor", "enforce"] as const;
export type AppCheckMode = (typeof APP_CHECK_MODES)[number];

export interface LocalEndpoints {
  /** Base URL of a server speaking the Vertex AI REST API (`@google/genai` `httpOptions.baseUrl`). */
  vertexBaseUrl?: string;
  /** `host:port` of a server speaking the Cloud Tasks v2 REST API. */
  cloudTasksEndpoint?: string;
  /** Base URL of a server speaking the Cloud Storage JSON API (the storage SDK's emulator variable). */
  storageEmulatorHost?: string;
  /** Base URL of a server speaking the App Check API (`/v1/jwks`, `/v1beta/projects/P:verifyAppCheckToken`). */
  appCheckBaseUrl?: string;
}

const nonEmpty = z.string().trim().min(1, "is required");
const jsonText = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "is not valid JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);

const originList = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/ })));

/** `anonymous,password,google.com`: Firebase sign-in provider ids, comma-separated. */
const providerList = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
  )
  .pipe(z.array(z.string().regex(/^[a-z0-9.]+$/, "is a list of sign-in provider ids")).min(1, "is empty"));

/** `250` or `12.50`: US dollars, at most 6 decimals (the budget is counted in micro-USD), above 0. */
const usdAmount = z
  .string()
  .trim()
  .regex(/^\d+(\.\d{1,6})?$/, "is a USD amount such as 250 or 12.50")
  .transform((text) => microUsd(Number(text)))
  .refine((micro) => micro > 0, "must be above 0")
  .refine((micro) => Number.isSafeInteger(micro), "is too large");

/**
 * Endpoints that spend: public functions that admit jobs (the agent's tools admit them too). They
 * carry the gate's settings (sign-in policy, App Check) and the daily budget; reads do not.
 */
export function spendsOnGeneration(fn: FunctionDefinition): boolean {
  return fn.trigger === "https" && fn.access.enqueues.length > 0;
}

/** The zod schema of one function's environment: required keys follow its access. */
export function runtimeEnvSchema(fn: FunctionDefinition) {
  const shape: Record<string, z.ZodType> = {
    PLATFORM_ENV: z.enum(["local", "dev", "prod"]),
    GCP_PROJECT: nonEmpty,
    GCP_REGION: nonEmpty,
    SIGNED_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    VERTEX_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    CLOUD_TASKS_ENDPOINT: z
      .string()
      .regex(/^[^/:]+:\d+$/, "is host:port")
      .optional(),
    STORAGE_EMULATOR_HOST: z.url({ protocol: /^https?$/ }).optional(),
    APP_CHECK_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  };
  if (fn.access.vertexAi || fn.access.enqueues.length > 0) shape.VERTEX_MODELS = jsonText(modelChoicesSchema);
  if (fn.access.mediaBucket !== "none") shape.MEDIA_BUCKET = nonEmpty;
  if (fn.trigger === "https") {
    shape.TIER_LIMITS = jsonText(tierLimitsSchema);
    shape.WEB_ORIGINS = originList;
    shape.SIGN_IN_PROVIDERS = providerList.optional();
    shape.REQUIRE_EMAIL_VERIFIED = z.enum(["true", "false"]).default("false");
  }
  if (spendsOnGeneration(fn)) {
    shape.APP_CHECK_MODE = z.enum(APP_CHECK_MODES).default("off");
    shape.APP_CHECK_CONSUME = z.enum(["true", "false"]).default("false");
    shape.PROJECT_NUMBER = z
      .string()
      .regex(/^\d{1,20}$/, "is a project number (digits only)")
      .optional();
    shape.DAILY_BUDGET_USD = usdAmount.optional();
  }
  if (fn.access.enqueues.length > 0) {
    shape.TASKS_INVOKER_EMAIL = z.email();
    for (const queue of fn.access.enqueues) {
      const keys = queueEnvKeys(queue);
      shape[keys.path] = z.string().regex(/^projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+$/, "is not a queue path");
      shape[keys.workerUrl] = z.url({ protocol: /^https?$/ });
    }
  }
  return z.object(shape);
}

/** The variable names a function's environment must carry (for infra and the plan). */
export function requiredEnvKeys(name: FunctionName): string[] {
  const schema = runtimeEnvSchema(getFunction(name));
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([key]) => key);
}

/** Parses the environment once at cold start; the first bad variable is named in the error. */
export function loadRuntimeConfig(
  name: FunctionName,
  env: Record<string, string | undefined> = process.env,
): RuntimeConfig {
  const fn = getFunction(name);
  // Before anything else: outside the local platform, no emulator or stand-in variable of ANY
  // library may be present, whether or not this config reads it (the SDKs read them on their own).
  if (env.PLATFORM_ENV !== "local") {
    const stray = localOnlyVariablesIn(env)[0];
    if (stray) {
      throw new ConfigError(
        stray,
        "points at an emulator or local stand-in and is only allowed with PLATFORM_ENV=local",
      );
    }
  }
  const parsed = runtimeEnvSchema(fn).safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "(environment)");
    throw new ConfigError(variable, issue?.message ?? "is invalid");
  }
  const values = parsed.data as Record<string, unknown>;
  // Tokens cannot be checked without the number they are issued for: refused at cold start, not per request.
  if (values.APP_CHECK_MODE !== undefined && values.APP_CHECK_MODE !== "off" && !values.PROJECT_NUMBER) {
    throw new ConfigError("PROJECT_NUMBER", `is required when APP_CHECK_MODE is ${String(values.APP_CHECK_MODE)}`);
  }
  const queues: Partial<Record<QueueName, QueueTarget>> = {};
  for (const queue of fn.access.enqueues as QueueName[]) {
    const keys = queueEnvKeys(queue);
    queues[queue] = { path: values[keys.path] as string, workerUrl: values[keys.workerUrl] as string };
  }
  return {
    functionName: name,
    environment: values.PLATFORM_ENV as RuntimeConfig["environment"],
    project: values.GCP_PROJECT as string,
    region: values.GCP_REGION as string,
    models: values.VERTEX_MODELS as ModelChoices | undefined,
    mediaBucket: values.MEDIA_BUCKET as string | undefined,
    tierLimits: values.TIER_LIMITS as TierLimits | undefined,
    ...(values.DAILY_BUDGET_USD !== undefined ? { dailyBudgetMicroUsd: values.DAILY_BUDGET_USD as number } : {}),
    webOrigins: (values.WEB_ORIGINS as string[] | undefined) ?? [],
    ...(values.SIGN_IN_PROVIDERS ? { signInProviders: values.SIGN_IN_PROVIDERS as string[] } : {}),
    requireEmailVerified: values.REQUIRE_EMAIL_VERIFIED === "true",
    ...(spendsOnGeneration(fn)
      ? {
          appCheckMode: values.APP_CHECK_MODE as AppCheckMode,
          appCheckConsume: values.APP_CHECK_CONSUME === "true",
        }
      : {}),
    ...(values.PROJECT_NUMBER ? { projectNumber: values.PROJECT_NUMBER as string } : {}),
    tasksInvokerEmail: values.TASKS_INVOKER_EMAIL as string | undefined,
    queues,
    signedUrlTtlSeconds: values.SIGNED_URL_TTL_SECONDS as number,
    local: {
      vertexBaseUrl: values.VERTEX_BASE_URL as string | undefined,
      cloudTasksEndpoint: values.CLOUD_TASKS_ENDPOINT as string | undefined,
      storageEmulatorHost: values.STORAGE_EMULATOR_HOST as string | undefined,
      appCheckBaseUrl: values.APP_CHECK_BASE_URL as string | undefined,
    },
  };
}
