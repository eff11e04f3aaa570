// `npm run token -- --uid <uid> [--tier free|pro]`: prints a Firebase ID token for the running local
// platform (from its Auth emulator), creating the user and setting the tier in Firestore.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { emulatorIdToken } from "@genai-platform/local/auth-emulator.ts";

const USAGE = "usage: npm run token -- --uid <uid> [--tier free|pro] [--state FILE]";

const { values } = parseArgs({
  options: {
    uid: { type: "string" },
    tier: { type: "string" },
    state: { type: "string", default: resolve(import.meta.dirname, "..", ".local", "platform.json") },
  },
});
const STATE_FILE = resolve(values.state);
if (!values.uid || !/^[A-Za-z0-9_-]{1,128}$/.test(values.uid)) {
  console.error(`--uid is required (letters, digits, _ and -)\n${USAGE}`);
  process.exit(2);
}
if (values.tier !== undefined && values.tier !== "free" && values.tier !== "pro") {
  console.error(`--tier must be free or pro\n${USAGE}`);
  process.exit(2);
}

const state = await readFile(STATE_FILE, "utf8")
  .then((text) => JSON.parse(text) as { projectId: string; firestoreHost: string; authHost: string })
  .catch(() => {
    console.error("the local platform is not running: start it with `npm start` first");
    process.exit(1);
  });

if (values.tier) {
  // The emulator variable must be set before firebase-admin's Firestore is created.
  process.env.FIRESTORE_EMULATOR_HOST = state.firestoreHost;
  const { initializeApp } = await import("firebase-admin/app");
  const { getFirestore } = await import("firebase-admin/firestore");
  const db = getFirestore(initializeApp({ projectId: state.projectId }));
  await db.doc(`users/${values.uid}`).set({ tier: values.tier }, { merge: true });
  await db.terminate();
}
console.log(await emulatorIdToken(state.authHost, state.projectId, values.uid));
