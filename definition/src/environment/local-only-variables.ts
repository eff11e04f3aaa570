// The one list of variables that point a process at emulators or local stand-ins. A deployed
// function refuses to start with any of them (runtime-config), and the policy pack's
// no-emulator-env policy refuses to deploy one carrying any of them: both read this list.
//
// Each Google library's own variable makes it talk to an emulator without credentials — and
// firebase-admin's Auth one makes verifyIdToken accept unsigned tokens. Where each is read, in
// the installed SDKs' sources (found by searching node_modules for `_EMULATOR_HOST`):

/** A variable that only makes sense on the local platform, with who reads it. */
export interface LocalOnlyVariable {
  name: string;
  readBy: string;
}

export const LOCAL_ONLY_VARIABLES = [
  // This platform's own adapters (runtime-config.ts) point at the local servers with these.
  { name: "VERTEX_BASE_URL", readBy: "functions: Vertex AI adapters (local Vertex AI stand-in)" },
  { name: "CLOUD_TASKS_ENDPOINT", readBy: "functions: Cloud Tasks adapter (local Cloud Tasks server)" },
  // Makes the App Check verifier trust the local stand-in's keys: a forged token would pass.
  { name: "APP_CHECK_BASE_URL", readBy: "functions: App Check verifier (local App Check stand-in)" },
  {
    name: "STORAGE_EMULATOR_HOST",
    readBy: "@google-cloud/storage build/cjs/src/storage.js; firebase-admin lib/storage",
  },
  { name: "FIRESTORE_EMULATOR_HOST", readBy: "@google-cloud/firestore build/src/index.js (firebase-admin/firestore)" },
  {
    name: "FIREBASE_AUTH_EMULATOR_HOST",
    readBy: "firebase-admin lib/auth/auth-api-request.js (unsigned tokens accepted)",
  },
  { name: "FIREBASE_STORAGE_EMULATOR_HOST", readBy: "firebase-admin lib/storage/storage.js" },
  { name: "FIREBASE_DATABASE_EMULATOR_HOST", readBy: "firebase-admin lib/database/database.js; @firebase/database" },
  { name: "CLOUD_TASKS_EMULATOR_HOST", readBy: "firebase-admin lib/functions/functions-api-client-internal.js" },
  { name: "CLOUD_EVENTARC_EMULATOR_HOST", readBy: "firebase-admin lib/eventarc/eventarc-client-internal.js" },
  { name: "DATA_CONNECT_EMULATOR_HOST", readBy: "firebase-admin lib/data-connect/data-connect-api-client-internal.js" },
  { name: "FIREBASE_DATA_CONNECT_EMULATOR_HOST", readBy: "@firebase/data-connect dist/index.node.cjs.js" },
  { name: "PUBSUB_EMULATOR_HOST", readBy: "@google-cloud/pubsub build/src/pubsub.js" },
  // Set by the Firebase CLI for what it emulates (firebase-tools lib/emulator/constants.js).
  { name: "FIREBASE_FIRESTORE_EMULATOR_ADDRESS", readBy: "firebase-tools emulators (Firestore, alternative name)" },
  { name: "FIREBASE_EMULATOR_HUB", readBy: "firebase-tools emulators; @firebase/rules-unit-testing" },
  { name: "FUNCTIONS_EMULATOR", readBy: "firebase-tools functions emulator; firebase-functions" },
] as const satisfies readonly LocalOnlyVariable[];

export type LocalOnlyVariableName = (typeof LOCAL_ONLY_VARIABLES)[number]["name"];

export const LOCAL_ONLY_VARIABLE_NAMES: readonly LocalOnlyVariableName[] = LOCAL_ONLY_VARIABLES.map((v) => v.name);

/**
 * Whether `name` points at an emulator: one of the list, or any other `*_EMULATOR_HOST` (the naming
 * every Google library follows), so a library added later is covered before the list names it.
 */
export function isLocalOnlyVariable(name: string): boolean {
  return (LOCAL_ONLY_VARIABLE_NAMES as readonly string[]).includes(name) || /^[A-Z0-9_]+_EMULATOR_HOST$/.test(name);
}

/** The local-only variables present in `env`, in the environment's order. */
export function localOnlyVariablesIn(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env).filter((key) => env[key] !== undefined && isLocalOnlyVariable(key));
}
