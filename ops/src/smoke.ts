// End to end against a running platform, deployed or local: sign a fresh test user in, generate one
// image through the typed client, wait for it, fetch its signed URL (a PNG), read the usage, and
// delete the user and every document of theirs, whatever happened before.
import { randomBytes } from "node:crypto";
import { createGenAiClient, type JobView } from "@genai-platform/client";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { FieldPath, getFirestore } from "firebase-admin/firestore";
import { signInWithCustomTokenUrl } from "./google-endpoints.ts";

export interface SmokeTarget {
  /** Base URL of the public functions: `<base>/generateImage`, … */
  baseUrl: string;
  projectId: string;
  /** Firebase web API key for signInWithCustomToken; any value for the Auth emulator. */
  webApiKey: string;
  /** `127.0.0.1:PORT` of the Auth emulator; unset for the real Identity Toolkit. */
  authEmulatorHost?: string;
  /**
   * Service account that signs custom tokens (through IAM signBlob) when the credentials are not a
   * service account key, e.g. user credentials. Unset: firebase-admin's own discovery.
   */
  serviceAccountId?: string;
  /** How the client reaches the functions (e.g. mapping names to deployed URLs); default fetch. */
  fetch?: typeof fetch;
  /** How long to wait for the image; default 180 s. */
  timeoutMs?: number;
}

export interface SmokeStep {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

const COLLECTIONS_BY_UID = ["jobs", "idempotencyKeys"] as const;

/** Runs the scenario; `onStep` sees each step as it ends. Never throws: a failure is a failed step. */
export async function runSmoke(
  target: SmokeTarget,
  onStep: (step: SmokeStep) => void = () => {},
): Promise<SmokeStep[]> {
  const uid = `smoke-${randomBytes(6).toString("hex")}`;
  const app = initializeApp(
    { projectId: target.projectId, ...(target.serviceAccountId ? { serviceAccountId: target.serviceAccountId } : {}) },
    uid,
  );
  const steps: SmokeStep[] = [];
  const step = async <T>(name: string, run: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    const started = performance.now();
    try {
      const { value, detail } = await run();
      record({ name, ok: true, ms: performance.now() - started, detail });
      return value;
    } catch (error) {
      record({ name, ok: false, ms: performance.now() - started, detail: message(error) });
      throw error;
    }
  };
  const record = (s: SmokeStep) => {
    steps.push(s);
    onStep(s);
  };

  try {
    const idToken = await step("sign in a test user", async () => ({
      value: await signIn(app, uid, target),
      detail: uid,
    }));
    const client = createGenAiClient({
      baseUrl: target.baseUrl,
      getIdToken: async () => idToken,
      ...(target.fetch ? { fetch: target.fetch } : {}),
    });
    const admitted = await step("generate an image", async () => {
      const a = await client.generateImage({ prompt: "smoke test: a lighthouse at dusk", aspectRatio: "1:1" });
      return { value: a, detail: `job ${a.jobId} ${a.status}` };
    });
    const job = await step("wait for it", async () => {
      const done: JobView = await client.waitFor(admitted.jobId, { timeoutMs: target.timeoutMs ?? 180_000 });
      if (done.status !== "succeeded") throw new Error(`job ${done.status}: ${JSON.stringify(done.error ?? {})}`);
      return { value: done, detail: done.status };
    });
    await step("fetch the signed URL", async () => {
      const url = job.output?.url;
      if (!url) throw new Error("the succeeded job carries no output URL");
      const response = await fetch(url);
      const bytes = Buffer.from(await response.arrayBuffer());
      const type = response.headers.get("content-type");
      if (!response.ok) throw new Error(`GET signed URL: HTTP ${response.status}`);
      // Source: https://www.w3.org/TR/png-3/#5PNG-file-signature (\x89 P N G \r \n \x1a \n)
      if (type !== "image/png" || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
        throw new Error(`not a PNG (content-type ${type}, ${bytes.length} bytes)`);
      }
      return { value: undefined, detail: `image/png, ${bytes.length} bytes` };
    });
    await step("read usage", async () => {
      const usage = await client.getUsage();
      if (usage.kinds.image.used < 1) throw new Error(`image usage is ${usage.kinds.image.used}, expected 1`);
      return { value: usage, detail: `${usage.tier}: image ${usage.kinds.image.used} used today` };
    });
  } catch {
    // Recorded as a failed step; clean up all the same.
  } finally {
    await step("clean up", async () => ({ value: undefined, detail: await cleanUp(app, uid) })).catch(() => {});
    await deleteApp(app).catch(() => {});
  }
  return steps;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A custom token from firebase-admin, exchanged for an ID token as a web app's sign-in does. */
async function signIn(app: App, uid: string, target: SmokeTarget): Promise<string> {
  const token = await getAuth(app).createCustomToken(uid);
  const response = await fetch(signInWithCustomTokenUrl(target.webApiKey, target.authEmulatorHost), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, returnSecureToken: true }),
  });
  const body = (await response.json()) as { idToken?: string; error?: { message?: string } };
  if (!response.ok || !body.idToken) {
    throw new Error(`signInWithCustomToken: HTTP ${response.status} ${body.error?.message ?? ""}`.trim());
  }
  return body.idToken;
}

/** Deletes the user's documents (users, jobs, usage, idempotencyKeys) and the account. */
export async function cleanUp(app: App, uid: string): Promise<string> {
  const db = getFirestore(app);
  const refs = [db.collection("users").doc(uid)];
  for (const collection of COLLECTIONS_BY_UID) {
    refs.push(...(await db.collection(collection).where("uid", "==", uid).get()).docs.map((d) => d.ref));
  }
  // usage/{uid}_{day}: by id prefix.
  const usage = await db
    .collection("usage")
    .where(FieldPath.documentId(), ">=", `${uid}_`)
    .where(FieldPath.documentId(), "<", `${uid}_\uf8ff`)
    .get();
  refs.push(...usage.docs.map((d) => d.ref));
  const writer = db.bulkWriter();
  for (const ref of refs) void writer.delete(ref);
  await writer.close();
  await getAuth(app)
    .deleteUser(uid)
    .catch((error: { code?: string }) => {
      if (error.code !== "auth/user-not-found") throw error;
    });
  return `deleted user ${uid} and ${refs.length} documents`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function formatSmokeStep(s: SmokeStep): string {
  return `${s.ok ? "✓" : "✗"} ${s.name} (${Math.round(s.ms)} ms): ${s.detail}`;
}
