import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FirebaseIdentityVerifier } from "@genai-platform/functions/adapters/auth/firebase-identity-verifier.ts";
import { deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthEmulator } from "./auth-emulator.ts";
import { groupAlive } from "./managed-process.ts";

describe("the Firebase Auth emulator runner", () => {
  let emulator: AuthEmulator;
  beforeAll(async () => {
    emulator = await AuthEmulator.start({ projectId: "demo-auth-runner" });
  }, 60_000);
  afterAll(() => emulator?.stop());

  it("issues ID tokens that firebase-admin verifies in emulator mode", async () => {
    const token = await emulator.idToken("alice");
    process.env.FIREBASE_AUTH_EMULATOR_HOST = emulator.host;
    const app = initializeApp({ projectId: "demo-auth-runner" }, "auth-emulator-test");
    try {
      const decoded = await getAuth(app).verifyIdToken(token);
      expect(decoded.uid).toBe("alice");
      await expect(getAuth(app).verifyIdToken(`${token.slice(0, -4)}abcd`)).rejects.toThrow();
    } finally {
      delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
      await deleteApp(app);
    }
  });

  it("keeps accounts and their sessions through an export and an import, and names a token from an earlier run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "auth-export-"));
    const kept = await emulator.idToken("kept");
    await emulator.export(dir);
    const lost = await emulator.idToken("signed-up-after-the-export");
    const next = await AuthEmulator.start({ projectId: "demo-auth-runner", importFrom: dir });
    process.env.FIREBASE_AUTH_EMULATOR_HOST = next.host;
    const app = initializeApp({ projectId: "demo-auth-runner" }, "auth-emulator-import-test");
    try {
      const verifier = new FirebaseIdentityVerifier(() => getAuth(app));
      expect(await verifier.verify(kept)).toMatchObject({ uid: "kept" });
      await expect(verifier.verify(lost)).rejects.toMatchObject({
        code: "TOKEN_INVALID",
        message: expect.stringMatching(/issued by an earlier run of the emulator/),
      });
    } finally {
      delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
      await deleteApp(app);
      expect(groupAlive(next.pgid)).toBe(true);
      await next.stop();
      expect(groupAlive(next.pgid)).toBe(false);
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
