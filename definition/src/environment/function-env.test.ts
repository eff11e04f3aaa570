// The derived environment round-trips through each function's own config parser, so a deployer
// (infra, the local platform) and the function cannot disagree about what a function needs.
import { describe, expect, it } from "vitest";
import { type FunctionName, platform, queueEnvKeys, serviceName } from "../index.ts";
import {
  type FunctionEnvContext,
  FunctionEnvError,
  functionEnvironment,
  needsModels,
  predictedFunctionUrl,
} from "./function-env.ts";
import { loadRuntimeConfig, spendsOnGeneration } from "./runtime-config.ts";

const PROJECT = "demo-project";
const REGION = "europe-west1";
const PROJECT_NUMBER = "123456789012";
const workers = platform.functions.filter((f) => f.trigger === "task");
const workerUrls = Object.fromEntries(
  workers.flatMap((w) =>
    (w.drains as readonly string[]).map((q) => [q, predictedFunctionUrl(PROJECT_NUMBER, REGION, serviceName(w.name))]),
  ),
);

const context: FunctionEnvContext<string> = {
  environment: "dev",
  project: PROJECT,
  region: REGION,
  models: platform.defaultModels,
  mediaBucket: `${PROJECT}-media`,
  tierLimits: platform.tiers,
  webOrigins: ["https://app.example.com", "http://localhost:5173"],
  tasksInvokerEmail: `tasks-invoker@${PROJECT}.iam.gserviceaccount.com`,
  signedUrlTtlSeconds: 600,
  workerUrls,
};

describe("functionEnvironment", () => {
  it("hands the daily budget to the public functions, which read it back exactly", () => {
    const fn = platform.functions.find((f) => f.name === "generateVideo");
    if (!fn) throw new Error("generateVideo is not in the definition");
    const env = functionEnvironment(fn, { ...context, dailyBudgetUsd: 125.5 });
    expect(env.DAILY_BUDGET_USD).toBe("125.500000");
    expect(loadRuntimeConfig("generateVideo", env).dailyBudgetMicroUsd).toBe(125_500_000);
    expect(functionEnvironment(fn, context).DAILY_BUDGET_USD).toBeUndefined();
  });

  it.each(platform.functions.map((f) => [f.name, f]))(
    "gives %s an environment its own config parser accepts",
    (name, fn) => {
      const config = loadRuntimeConfig(name as FunctionName, functionEnvironment(fn, context));
      expect(config).toMatchObject({ environment: "dev", project: PROJECT, region: REGION, signedUrlTtlSeconds: 600 });
      expect(config.mediaBucket).toBe(fn.access.mediaBucket === "none" ? undefined : context.mediaBucket);
      expect(config.models).toEqual(needsModels(fn) ? platform.defaultModels : undefined);
      expect(config.tierLimits).toEqual(fn.trigger === "https" ? platform.tiers : undefined);
      expect(Object.keys(config.queues).sort()).toEqual([...fn.access.enqueues].sort());
      for (const queue of fn.access.enqueues) {
        expect(config.queues[queue]).toEqual({
          path: `projects/${PROJECT}/locations/${REGION}/queues/${queue}`,
          workerUrl: workerUrls[queue],
        });
      }
    },
  );

  it("sets only the variables a function's access calls for", () => {
    const getUsage = platform.functions.find((f) => f.name === "getUsage")!;
    expect(Object.keys(functionEnvironment(getUsage, context)).sort()).toEqual(
      ["GCP_PROJECT", "GCP_REGION", "PLATFORM_ENV", "SIGNED_URL_TTL_SECONDS", "TIER_LIMITS", "WEB_ORIGINS"].sort(),
    );
  });

  it("hands the gate's settings and the daily budget to the spending endpoints only", () => {
    const gate = {
      ...context,
      signInProviders: ["password", "google.com"],
      requireEmailVerified: true,
      appCheck: { mode: "enforce" as const, consume: true },
      projectNumber: "123456789012",
      dailyBudgetUsd: 12.5,
    };
    const spending = platform.functions.filter((f) => spendsOnGeneration(f)).map((f) => f.name);
    expect(spending.sort()).toEqual(["creativeDirectorAgent", "generateImage", "generateVideo"]);
    for (const fn of platform.functions) {
      const env = functionEnvironment(fn, gate);
      const gateKeys = Object.keys(env).filter((k) =>
        /^(SIGN_IN|REQUIRE_EMAIL|APP_CHECK|DAILY_BUDGET|PROJECT_NUMBER)/.test(k),
      );
      if (!spending.includes(fn.name)) {
        expect(gateKeys, fn.name).toEqual([]);
        continue;
      }
      expect(env).toMatchObject({
        SIGN_IN_PROVIDERS: "password,google.com",
        REQUIRE_EMAIL_VERIFIED: "true",
        APP_CHECK_MODE: "enforce",
        APP_CHECK_CONSUME: "true",
        DAILY_BUDGET_USD: "12.500000",
      });
      expect(loadRuntimeConfig(fn.name as FunctionName, env)).toMatchObject({
        signInProviders: ["password", "google.com"],
        requireEmailVerified: true,
        appCheckMode: "enforce",
        appCheckConsume: true,
        dailyBudgetMicroUsd: 12_500_000,
      });
    }
  });

  it("leaves App Check off and the budget unlimited when the stack sets neither", () => {
    const config = loadRuntimeConfig("generateImage", functionEnvironment(platform.functions[0]!, context));
    expect(config.appCheckMode).toBe("off");
    expect(config.appCheckConsume).toBe(false);
    expect(config.dailyBudgetMicroUsd).toBeUndefined();
  });

  it("keeps values only known later as they are, for the deployer to resolve", () => {
    const late = { later: "bucket" } as const;
    const imageWorker = platform.functions.find((f) => f.name === "imageWorker")!;
    const env = functionEnvironment<typeof late>(imageWorker, { ...context, mediaBucket: late });
    expect(env.MEDIA_BUCKET).toBe(late);
  });

  it.each(
    workers
      .flatMap((w) => w.drains as readonly string[])
      .filter((q) => platform.functions.some((f) => (f.access.enqueues as readonly string[]).includes(q)))
      .map((q) => [q]),
  )("names the queue %s when its worker URL is missing", (queue) => {
    const enqueuer = platform.functions.find((f) => (f.access.enqueues as readonly string[]).includes(queue))!;
    const { [queue as string]: _, ...others } = workerUrls;
    const attempt = () => functionEnvironment(enqueuer, { ...context, workerUrls: others });
    expect(attempt).toThrowError(FunctionEnvError);
    expect(attempt).toThrowError(`queue "${queue}"`);
  });

  it("passes local stand-in endpoints to the local platform only", () => {
    const generateImage = platform.functions.find((f) => f.name === "generateImage")!;
    const local = { cloudTasksEndpoint: "127.0.0.1:8123" };
    const env = functionEnvironment(generateImage, { ...context, environment: "local", local });
    expect(loadRuntimeConfig("generateImage", env).local.cloudTasksEndpoint).toBe("127.0.0.1:8123");
    expect(env[queueEnvKeys("image-jobs").path]).toBe(`projects/${PROJECT}/locations/${REGION}/queues/image-jobs`);
    expect(() => functionEnvironment(generateImage, { ...context, local })).toThrowError(/CLOUD_TASKS_ENDPOINT/);
  });

  it("passes the App Check mode and the project number to public functions only, and needs the number", () => {
    const generateImage = platform.functions.find((f) => f.name === "generateImage")!;
    const imageWorker = platform.functions.find((f) => f.name === "imageWorker")!;
    const withAppCheck = {
      ...context,
      appCheck: { mode: "enforce", consume: true } as const,
      projectNumber: PROJECT_NUMBER,
    };
    expect(loadRuntimeConfig("generateImage", functionEnvironment(generateImage, withAppCheck))).toMatchObject({
      appCheckMode: "enforce",
      appCheckConsume: true,
      projectNumber: PROJECT_NUMBER,
    });
    expect(functionEnvironment(imageWorker, withAppCheck)).not.toHaveProperty("APP_CHECK_MODE");
    const { projectNumber: _, ...numberless } = withAppCheck;
    expect(() => functionEnvironment(generateImage, numberless)).toThrowError(/project number is not known/);
  });

  it("predicts a worker's deterministic run.app URL from project number, region and service name", () => {
    expect(predictedFunctionUrl("123456789012", "europe-west1", "video-worker")).toBe(
      "https://video-worker-123456789012.europe-west1.run.app",
    );
  });
});
