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

  it("stops its process group", async () => {
    const other = await AuthEmulator.start({ projectId: "demo-auth-runner-2" });
    expect(groupAlive(other.pgid)).toBe(true);
    await other.stop();
    expect(groupAlive(other.pgid)).toBe(false);
  }, 60_000);
});
