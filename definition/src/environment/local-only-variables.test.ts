// The list of local-only variables against what the installed Google libraries actually read: a
// library upgrade that adds an emulator variable fails here until the list (and so the start-up
// check and the policy) covers it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isLocalOnlyVariable, LOCAL_ONLY_VARIABLE_NAMES, localOnlyVariablesIn } from "./local-only-variables.ts";

const nodeModules = fileURLToPath(new URL("../../../node_modules/", import.meta.url));
/** The Google libraries the deployables ship, where their compiled code lives. */
const LIBRARIES = [
  "firebase-admin/lib",
  "@google-cloud/firestore/build",
  "@google-cloud/storage/build",
  "@google-cloud/tasks/build",
  "@google-cloud/pubsub/build",
  "@google/genai/dist",
  "google-auth-library/build",
  "google-gax/build",
];

function* jsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(path);
    else if (/\.(c|m)?js$/.test(entry.name)) yield path;
  }
}

function emulatorVariablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  for (const library of LIBRARIES) {
    let files: Generator<string>;
    try {
      readdirSync(join(nodeModules, library));
      files = jsFiles(join(nodeModules, library));
    } catch {
      continue; // not installed: nothing of it ships
    }
    for (const file of files) {
      for (const [name] of readFileSync(file, "utf8").matchAll(/\b[A-Z][A-Z0-9_]*_EMULATOR_HOST\b/g)) {
        if (!found.has(name)) found.set(name, file.slice(nodeModules.length));
      }
    }
  }
  return found;
}

describe("the local-only variables", () => {
  it("name every emulator variable the shipped Google libraries read", () => {
    const read = emulatorVariablesRead();
    expect(read.has("FIRESTORE_EMULATOR_HOST")).toBe(true);
    expect(read.has("FIREBASE_AUTH_EMULATOR_HOST")).toBe(true);
    const unlisted = [...read].filter(([name]) => !(LOCAL_ONLY_VARIABLE_NAMES as readonly string[]).includes(name));
    // firebase-admin's error text INVALID_EMULATOR_HOST is an error code, not a variable.
    expect(unlisted.filter(([name]) => name !== "INVALID_EMULATOR_HOST")).toEqual([]);
    // It reads every file of those libraries (thousands): seconds alone, far more beside the rest of the suite on 2 cores.
  }, 60_000);

  it("treat any other *_EMULATOR_HOST as local-only too, and nothing else", () => {
    expect(isLocalOnlyVariable("SPANNER_EMULATOR_HOST")).toBe(true);
    expect(isLocalOnlyVariable("BIGTABLE_EMULATOR_HOST")).toBe(true);
    expect(isLocalOnlyVariable("GCP_PROJECT")).toBe(false);
    expect(isLocalOnlyVariable("FIRESTORE_EMULATOR_HOST_X")).toBe(false);
    expect(localOnlyVariablesIn({ PATH: "/bin", PUBSUB_EMULATOR_HOST: "", GONE: undefined })).toEqual([
      "PUBSUB_EMULATOR_HOST",
    ]);
  });
});
