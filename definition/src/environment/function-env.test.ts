// The derived environment round-trips through each function's own config parser, so a deployer
// (infra, the local platform) and the function cannot disagree about what a function needs.
import { describe, expect, it } from "vitest";
import { type FunctionName, platform, queueEnvKeys, serviceName } from "../index.ts";
import {
  type FunctionEnvContext,
  FunctionEnvError,
  functionEnvironment,
  predictedFunctionUrl,
} from "./function-env.ts";
import { loadRuntimeConfig } from "./runtime-config.ts";

const PROJECT = "demo-project";
const REGION = "europe-west1";
const workers = platform.functions.filter((f) => f.trigger === "task");
const workerUrls = Object.fromEntries(
  workers.map((w) => [w.drains, predictedFunctionUrl(PROJECT, REGION, serviceName(w.name))]),
);

const context: FunctionEnvContext<string> = {
  environment: "dev",
  project: PROJECT,
  region: REGION,
  vertexLocation: "global",
  mediaBucket: `${PROJECT}-media`,
  tierLimits: platform.tiers,
  webOrigins: ["https://app.example.com", "http://localhost:5173"],
  tasksInvokerEmail: `tasks-invoker@${PROJECT}.iam.gserviceaccount.com`,
  signedUrlTtlSeconds: 600,
  workerUrls,
};

describe("functionEnvironment", () => {
  it.each(platform.functions.map((f) => [f.name, f]))(
    "gives %s an environment its own config parser accepts",
    (name, fn) => {
      const config = loadRuntimeConfig(name as FunctionName, functionEnvironment(fn, context));
      expect(config).toMatchObject({ environment: "dev", project: PROJECT, region: REGION, signedUrlTtlSeconds: 600 });
      expect(config.mediaBucket).toBe(fn.access.mediaBucket === "none" ? undefined : context.mediaBucket);
      expect(config.vertexLocation).toBe(fn.access.vertexAi ? "global" : undefined);
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

  it("keeps values only known later as they are, for the deployer to resolve", () => {
    const late = { later: "bucket" } as const;
    const imageWorker = platform.functions.find((f) => f.name === "imageWorker")!;
    const env = functionEnvironment<typeof late>(imageWorker, { ...context, mediaBucket: late });
    expect(env.MEDIA_BUCKET).toBe(late);
  });

  it.each(workers.map((w) => [w.drains]))("names the queue %s when its worker URL is missing", (queue) => {
    const enqueuer = platform.functions.find((f) => (f.access.enqueues as readonly string[]).includes(queue))!;
    const { [queue]: _, ...others } = workerUrls;
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

  it("predicts a Gen 2 function's URL from project, region and service name", () => {
    expect(predictedFunctionUrl("p-1", "europe-west1", "video-worker")).toBe(
      "https://europe-west1-p-1.cloudfunctions.net/video-worker",
    );
  });
});
