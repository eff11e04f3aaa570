// Starts one Firestore emulator for the whole functions test run and stops it afterwards, even
// when tests fail. Each test file works in its own project id, so files never see each other.

import { FirestoreEmulator } from "@genai-platform/local/firestore-emulator.ts";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    firestoreEmulatorHost: string;
  }
}

let emulator: FirestoreEmulator | undefined;

export async function setup(project: TestProject): Promise<void> {
  emulator = await FirestoreEmulator.start({ rulesPath: new URL("../../firestore.rules", import.meta.url).pathname });
  project.provide("firestoreEmulatorHost", emulator.host);
}

export async function teardown(): Promise<void> {
  await emulator?.stop();
}
