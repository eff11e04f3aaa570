// Preflight and smoke against the local platform, started here on free ports: the model check goes
// through the Vertex AI stand-in, and the smoke scenario runs end to end and leaves nothing behind.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { platform } from "@genai-platform/definition";
import { type LocalPlatform, startLocalPlatform } from "@genai-platform/local/platform/local-platform.ts";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpCall } from "./google-call.ts";
import type { LocalState } from "./local-state.ts";
import { runPreflight } from "./preflight.ts";
import { runSmoke } from "./smoke.ts";
import { localPreflightTarget, localSmokeTarget } from "./targets.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");
const run = promisify(execFile);

describe("on the local platform", () => {
  let local: LocalPlatform;
  let state: LocalState;
  let admin: App;
  let dir: string;

  beforeAll(async () => {
    // Two processes per public function: the smoke scenario crosses both, as traffic does when
    // Cloud Run scales a function out.
    local = await startLocalPlatform({ instances: 2 });
    state = {
      url: local.url,
      projectId: local.projectId,
      firestoreHost: local.firestoreHost,
      authHost: local.authHost,
      vertexUrl: local.vertex?.url ?? "",
    };
    localSmokeTarget(state); // sets the emulator variables for this process's firebase-admin too
    admin = initializeApp({ projectId: local.projectId }, "observer");
    dir = await mkdtemp(join(tmpdir(), "ops-"));
  });
  afterAll(async () => {
    await deleteApp(admin).catch(() => {});
    await local?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Every document and account left on the platform. */
  async function leftovers(): Promise<string[]> {
    const db = getFirestore(admin);
    const docs: string[] = [];
    for (const { id } of platform.collections)
      docs.push(...(await db.collection(id).get()).docs.map((d) => d.ref.path));
    const users = (await getAuth(admin).listUsers()).users.map((u) => `user ${u.uid}`);
    return [...docs, ...users];
  }

  it("runs every public function as two processes and each worker as one", () => {
    for (const fn of platform.functions) {
      const processes = local.instances.get(fn.name) ?? [];
      expect([fn.name, processes.length]).toEqual([fn.name, fn.trigger === "https" ? 2 : 1]);
      expect(new Set(processes.map((p) => p.pgid)).size).toBe(processes.length);
    }
  });

  it("passes the models check for the default models through the Vertex AI stand-in", async () => {
    const results = await runPreflight(localPreflightTarget(state), httpCall());
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      [`image model ${platform.defaultModels.image.id} @ global`, true],
      [`video model ${platform.defaultModels.video.id} @ us-central1`, true],
      [`agent model ${platform.defaultModels.agent.id} @ global`, true],
    ]);
  });

  it("fails the models check for a pair the catalog does not list, in Vertex's words", async () => {
    const models = {
      ...platform.defaultModels,
      agent: { id: platform.defaultModels.agent.id, location: "europe-west4" },
    };
    const results = await runPreflight(localPreflightTarget(state, models), httpCall());
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]?.detail).toContain(
      `Publisher Model \`projects/${local.projectId}/locations/europe-west4/publishers/google/models/${models.agent.id}\` was not found or your project does not have access to it.`,
    );
  });

  it("runs the smoke scenario end to end and leaves no user or document behind", async () => {
    const steps = await runSmoke(localSmokeTarget(state));
    expect(steps.map((s) => [s.name, s.ok])).toEqual([
      ["sign in a test user", true],
      ["generate an image", true],
      ["wait for it", true],
      ["fetch the signed URL", true],
      ["read usage", true],
      ["clean up", true],
    ]);
    expect(steps[3]?.detail).toMatch(/^image\/png, \d+ bytes$/);
    expect(steps[5]?.detail).toMatch(/^deleted user smoke-[0-9a-f]{12} and [3-9] documents$/);
    expect(await leftovers()).toEqual([]);
  });

  it("fails the smoke and still cleans up when the functions cannot be reached", async () => {
    const steps = await runSmoke({ ...localSmokeTarget(state), baseUrl: "http://127.0.0.1:9/nothing" });
    expect(steps.map((s) => [s.name, s.ok])).toEqual([
      ["sign in a test user", true],
      ["generate an image", false],
      ["clean up", true],
    ]);
    expect(await leftovers()).toEqual([]);
  });

  it("passes npm run smoke and npm run preflight with --url, reading the platform's state file", async () => {
    const file = join(dir, "platform.json");
    await writeFile(file, JSON.stringify(state));
    const smoke = await run(process.execPath, ["scripts/smoke.ts", "--url", local.url, "--state", file], { cwd: ROOT });
    expect(smoke.stdout).toMatch(/✓ fetch the signed URL \(\d+ ms\): image\/png/);
    expect(smoke.stdout).toMatch(/smoke passed\n$/);
    const preflight = await run(process.execPath, ["scripts/preflight.ts", "--url", local.url, "--state", file], {
      cwd: ROOT,
    });
    expect(preflight.stdout).toMatch(/preflight passed\n$/);
  });
});
