// `npm run token -- --uid <uid> [--tier free|pro]`: prints a Firebase ID token for the running local
// platform (from its Auth emulator), creating the user and setting the tier in Firestore.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { emulatorIdToken } from "@genai-platform/local/auth-emulator.ts";
import { type CliSpec, LOCAL_STATE_FILE, runCli } from "./cli.ts";

const spec = {
  command: "npm run token --",
  usage: "--uid <uid> [--tier free|pro] [--state FILE]",
  options: {
    uid: { type: "string", required: true },
    tier: { type: "string", oneOf: ["free", "pro"], noun: "tier" },
    state: { type: "string" },
  },
} as const satisfies CliSpec;

runCli(spec, process.argv.slice(2), async (values) => {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(values.uid))
    return `--uid ${values.uid}: only letters, digits, _ and - (1 to 128)`;
  const stateFile = resolve(values.state ?? LOCAL_STATE_FILE);
  const state = await readFile(stateFile, "utf8")
    .then((text) => JSON.parse(text) as { projectId: string; firestoreHost: string; authHost: string })
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
  return 0;
});
