// A deployable started outside the local platform with an emulator variable in its environment
// stops at once, naming the variable: real processes, the real entry modules.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { platform, queuePath } from "@genai-platform/definition";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** What infra sets for generateImage in a deployed stack. */
const deployedEnv = {
  PLATFORM_ENV: "prod",
  GCP_PROJECT: "demo-project",
  GCP_REGION: "europe-west1",
  TIER_LIMITS: JSON.stringify(platform.tiers),
  WEB_ORIGINS: "https://app.example.com",
  TASKS_INVOKER_EMAIL: "tasks-invoker@demo-project.iam.gserviceaccount.com",
  IMAGE_JOBS_QUEUE_PATH: queuePath("demo-project", "europe-west1", "image-jobs"),
  IMAGE_JOBS_WORKER_URL: "https://imageworker-123.europe-west1.run.app",
  VERTEX_MODELS: JSON.stringify(platform.defaultModels),
  MEDIA_BUCKET: "media-prod",
  METADATA_SERVER_DETECTION: "none",
};

async function start(entry: string, extra: Record<string, string>) {
  const file = fileURLToPath(new URL(`./${entry}.ts`, import.meta.url));
  try {
    await run(process.execPath, [file], {
      env: { PATH: process.env.PATH ?? "", ...deployedEnv, ...extra },
      timeout: 30_000,
    });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string; killed?: boolean };
    return { code: failed.killed ? "killed" : failed.code, stderr: failed.stderr ?? "" };
  }
}

describe("a deployable started with an emulator variable outside the local platform", () => {
  it.each([
    ["generate-image", "FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099"],
    ["image-worker", "FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080"],
    ["get-job", "FIREBASE_STORAGE_EMULATOR_HOST", "127.0.0.1:9199"],
    ["sweep-jobs", "FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080"],
  ])(
    "%s exits at start naming %s",
    async (entry, name, value) => {
      const result = await start(entry, { [name]: value });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${name}: points at an emulator or local stand-in`);
    },
    40_000,
  );
});
