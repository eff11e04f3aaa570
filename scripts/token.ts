// `npm run token -- --uid <uid> [--tier free|pro] [--app-check]`: prints a Firebase ID token for the
// running local platform (from its Auth emulator), creating the user and setting the tier in
// Firestore; with --app-check, an App Check token on a second line, from the local App Check's
// debug exchange (the way the App Check SDK's debug provider gets one).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { exchangeDebugToken } from "@genai-platform/local/app-check/app-check-server.ts";
import { emulatorIdToken } from "@genai-platform/local/auth-emulator.ts";
import { type CliSpec, LOCAL_STATE_FILE, runCli } from "./cli.ts";

const spec = {
  command: "npm run token --",
  usage: "--uid <uid> [--tier free|pro] [--app-check] [--state FILE]",
  options: {
    uid: { type: "string", required: true },
    tier: { type: "string", oneOf: ["free", "pro"], noun: "tier" },
    state: { type: "string" },
    "app-check": { type: "boolean" },
  },
} as const satisfies CliSpec;

runCli(spec, process.argv.slice(2), async (values) => {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(values.uid))
    return `--uid ${values.uid}: only letters, digits, _ and - (1 to 128)`;
  const stateFile = resolve(values.state ?? LOCAL_STATE_FILE);
  const state = await readFile(stateFile, "utf8")
    .then((text) => JSON.parse(text) as LocalState)
    .catch(() => undefined);
  if (!state) {
    console.error("the local platform is not running: start it with `npm start` first");
    return 1;
  }
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
  if (values["app-check"]) {
    if (!state.appCheck) {
      console.error("this local platform runs no App Check stand-in: restart it with `npm start`");
      return 1;
    }
    const { url, ...app } = state.appCheck;
    console.log((await exchangeDebugToken({ baseUrl: url, ...app })).token);
  }
  return 0;
});

/** What `npm start` writes to its state file, as far as this command reads it. */
interface LocalState {
  projectId: string;
  firestoreHost: string;
  authHost: string;
  appCheck?: { url: string; projectNumber: string; appId: string; debugToken: string };
}
