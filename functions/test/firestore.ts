// Firestore for tests: a firebase-admin instance on the shared emulator, in a project id of the
// test file's own, plus a way to wipe that project between tests.
import { createHash } from "node:crypto";
import { clearEmulatorProject } from "@genai-platform/local/firestore-emulator.ts";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { type Firestore, getFirestore } from "firebase-admin/firestore";
import { inject } from "vitest";

export interface TestFirestore {
  projectId: string;
  db: Firestore;
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** A project id derived from a label (usually the test file), so parallel files never collide. */
export function testProjectId(label: string): string {
  return `demo-${createHash("sha256").update(label).digest("hex").slice(0, 12)}`;
}

export function emulatorHost(): string {
  const host = inject("firestoreEmulatorHost");
  process.env.FIRESTORE_EMULATOR_HOST = host;
  return host;
}

/** `host`: an emulator of the test's own (say, one it stops); default the run's shared one. */
export function testFirestore(label: string, host?: string): TestFirestore {
  if (host) process.env.FIRESTORE_EMULATOR_HOST = host;
  else host = emulatorHost();
  const projectId = testProjectId(label);
  const app: App = initializeApp({ projectId }, `${projectId}-${Math.random().toString(36).slice(2)}`);
  const db = getFirestore(app);
  return {
    projectId,
    db,
    clear: () => clearEmulatorProject(host as string, projectId),
    async close() {
      await deleteApp(app);
    },
  };
}
