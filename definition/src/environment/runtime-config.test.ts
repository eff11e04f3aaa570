import { describe, expect, it } from "vitest";
import { platform } from "../index.ts";
import { LOCAL_ONLY_VARIABLE_NAMES } from "./local-only-variables.ts";
import { ConfigError, loadRuntimeConfig, requiredEnvKeys } from "./runtime-config.ts";

const generateImageEnv = {
  PLATFORM_ENV: "dev",
  GCP_PROJECT: "demo-project",
  GCP_REGION: "europe-west1",
  TIER_LIMITS: JSON.stringify(platform.tiers),
  WEB_ORIGINS: "https://app.example.com, http://localhost:5173",
  TASKS_INVOKER_EMAIL: "tasks-invoker@demo-project.iam.gserviceaccount.com",
  IMAGE_JOBS_QUEUE_PATH: "projects/demo-project/locations/europe-west1/queues/image-jobs",
  IMAGE_JOBS_WORKER_URL: "https://image-worker-abc-ew.a.run.app",
  VERTEX_MODELS: JSON.stringify(platform.defaultModels),
};

describe("runtime config", () => {
  it("parses a complete environment for generateImage", () => {
    const config = loadRuntimeConfig("generateImage", generateImageEnv);
    expect(config.queues["image-jobs"]).toEqual({
      path: generateImageEnv.IMAGE_JOBS_QUEUE_PATH,
      workerUrl: generateImageEnv.IMAGE_JOBS_WORKER_URL,
    });
    expect(config.webOrigins).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(config.tierLimits?.pro.image).toBe(platform.tiers.pro.image);
    expect(config.signedUrlTtlSeconds).toBe(900);
  });

  it.each([
    ["GCP_PROJECT", { GCP_PROJECT: undefined }],
    ["PLATFORM_ENV", { PLATFORM_ENV: "staging" }],
    ["TIER_LIMITS", { TIER_LIMITS: "{not json" }],
    ["TIER_LIMITS", { TIER_LIMITS: JSON.stringify({ free: platform.tiers.pro, pro: platform.tiers.free }) }],
    ["IMAGE_JOBS_QUEUE_PATH", { IMAGE_JOBS_QUEUE_PATH: "image-jobs" }],
    ["IMAGE_JOBS_WORKER_URL", { IMAGE_JOBS_WORKER_URL: undefined }],
    ["TASKS_INVOKER_EMAIL", { TASKS_INVOKER_EMAIL: "nobody" }],
    ["WEB_ORIGINS", { WEB_ORIGINS: "app.example.com" }],
    ["VERTEX_MODELS", { VERTEX_MODELS: undefined }],
    ["VERTEX_MODELS", { VERTEX_MODELS: JSON.stringify({ image: { id: "x", location: "Mars" } }) }],
    ["APP_CHECK_MODE", { APP_CHECK_MODE: "strict" }],
    ["APP_CHECK_CONSUME", { APP_CHECK_CONSUME: "yes" }],
    ["DAILY_BUDGET_USD", { DAILY_BUDGET_USD: "-5" }],
    ["DAILY_BUDGET_USD", { DAILY_BUDGET_USD: "0" }],
    ["DAILY_BUDGET_USD", { DAILY_BUDGET_USD: "$25" }],
    ["DAILY_BUDGET_USD", { DAILY_BUDGET_USD: "12.5 USD" }],
    ["DAILY_BUDGET_USD", { DAILY_BUDGET_USD: "0.0000001" }],
  ])("names %s when it is missing or bad", (variable, override) => {
    const env = { ...generateImageEnv, ...override };
    expect(() => loadRuntimeConfig("generateImage", env)).toThrowError(ConfigError);
    expect(() => loadRuntimeConfig("generateImage", env)).toThrowError(new RegExp(`^${variable}: `));
  });

  it("reads the daily budget in micro-USD, and none when DAILY_BUDGET_USD is unset", () => {
    expect(
      loadRuntimeConfig("generateImage", { ...generateImageEnv, DAILY_BUDGET_USD: "12.50" }).dailyBudgetMicroUsd,
    ).toBe(12_500_000);
    expect(loadRuntimeConfig("generateImage", generateImageEnv).dailyBudgetMicroUsd).toBeUndefined();
  });

  it("accepts local stand-in endpoints only on the local platform", () => {
    const local = { ...generateImageEnv, PLATFORM_ENV: "local", CLOUD_TASKS_ENDPOINT: "127.0.0.1:8123" };
    expect(loadRuntimeConfig("generateImage", local).local.cloudTasksEndpoint).toBe("127.0.0.1:8123");
    expect(() => loadRuntimeConfig("generateImage", { ...local, PLATFORM_ENV: "prod" })).toThrowError(
      /^CLOUD_TASKS_ENDPOINT: points at an emulator or local stand-in/,
    );
  });

  it.each(LOCAL_ONLY_VARIABLE_NAMES.flatMap((name) => (["dev", "prod"] as const).map((env) => [name, env] as const)))(
    "refuses to start with %s when PLATFORM_ENV=%s",
    (name, platformEnv) => {
      const env = { ...generateImageEnv, PLATFORM_ENV: platformEnv, [name]: "127.0.0.1:9099" };
      expect(() => loadRuntimeConfig("generateImage", env)).toThrowError(
        new RegExp(`^${name}: points at an emulator or local stand-in and is only allowed with PLATFORM_ENV=local$`),
      );
    },
  );

  it("refuses an emulator variable it does not itself read, even an empty one, and one of a library not yet listed", () => {
    for (const extra of [{ PUBSUB_EMULATOR_HOST: "" }, { SPANNER_EMULATOR_HOST: "localhost:9010" }]) {
      expect(() => loadRuntimeConfig("imageWorker", { ...generateImageEnv, ...extra })).toThrowError(
        new RegExp(`^${Object.keys(extra)[0]}: `),
      );
    }
  });

  it("refuses emulator variables before anything else, even when PLATFORM_ENV itself is missing", () => {
    const { PLATFORM_ENV: _, ...env } = { ...generateImageEnv, FIRESTORE_EMULATOR_HOST: "127.0.0.1:8080" };
    expect(() => loadRuntimeConfig("generateImage", env)).toThrowError(/^FIRESTORE_EMULATOR_HOST: /);
  });

  it("lets the local platform run with every emulator variable set", () => {
    const all = Object.fromEntries(LOCAL_ONLY_VARIABLE_NAMES.map((name) => [name, "http://127.0.0.1:9099"]));
    const env = { ...generateImageEnv, ...all, PLATFORM_ENV: "local", CLOUD_TASKS_ENDPOINT: "127.0.0.1:8123" };
    expect(loadRuntimeConfig("generateImage", env).environment).toBe("local");
  });

  it("reads App Check and the daily budget on a spending endpoint", () => {
    const env = {
      ...generateImageEnv,
      APP_CHECK_MODE: "monitor",
      APP_CHECK_CONSUME: "true",
      PROJECT_NUMBER: "123456789012",
      DAILY_BUDGET_USD: "40.25",
    };
    expect(loadRuntimeConfig("generateImage", env)).toMatchObject({
      appCheckMode: "monitor",
      appCheckConsume: true,
      dailyBudgetMicroUsd: 40_250_000,
    });
  });

  it("requires what each function's access implies", () => {
    expect(requiredEnvKeys("imageWorker").sort()).toEqual(
      ["GCP_PROJECT", "GCP_REGION", "MEDIA_BUCKET", "PLATFORM_ENV", "VERTEX_MODELS"].sort(),
    );
    expect(requiredEnvKeys("videoWorker")).toContain("VIDEO_POLLS_QUEUE_PATH");
    expect(requiredEnvKeys("creativeDirectorAgent")).toEqual(
      expect.arrayContaining(["IMAGE_JOBS_QUEUE_PATH", "VIDEO_JOBS_QUEUE_PATH", "VERTEX_MODELS", "TIER_LIMITS"]),
    );
    expect(requiredEnvKeys("getJob")).toContain("MEDIA_BUCKET");
    expect(requiredEnvKeys("getJob")).not.toContain("TASKS_INVOKER_EMAIL");
  });

  it("leaves App Check off by default and reads its mode, replay protection and project number", () => {
    expect(loadRuntimeConfig("generateImage", generateImageEnv)).toMatchObject({
      appCheckMode: "off",
      appCheckConsume: false,
    });
    const env = {
      ...generateImageEnv,
      APP_CHECK_MODE: "enforce",
      APP_CHECK_CONSUME: "true",
      PROJECT_NUMBER: "123456789012",
    };
    expect(loadRuntimeConfig("generateImage", env)).toMatchObject({
      appCheckMode: "enforce",
      appCheckConsume: true,
      projectNumber: "123456789012",
    });
  });

  it.each([
    ["APP_CHECK_MODE", { APP_CHECK_MODE: "strict", PROJECT_NUMBER: "1" }],
    ["APP_CHECK_CONSUME", { APP_CHECK_CONSUME: "yes" }],
    ["PROJECT_NUMBER", { APP_CHECK_MODE: "monitor" }],
    ["PROJECT_NUMBER", { APP_CHECK_MODE: "enforce", PROJECT_NUMBER: "demo-project" }],
  ])("names %s when App Check is misconfigured", (variable, override) => {
    expect(() => loadRuntimeConfig("generateImage", { ...generateImageEnv, ...override })).toThrowError(
      new RegExp(`^${variable}: `),
    );
  });
});
