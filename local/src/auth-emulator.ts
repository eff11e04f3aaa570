// Runs the official Firebase Auth emulator (from firebase-tools) in a child process of its own, on
// a free loopback port, without the Firebase CLI around it (no update checks, no network). ID
// tokens it issues are what firebase-admin accepts when FIREBASE_AUTH_EMULATOR_HOST is set.
import { createRequire } from "node:module";
import { freePort } from "./firestore-emulator.ts";
import { answers, ManagedProcess } from "./managed-process.ts";

const require = createRequire(import.meta.url);

// Executed by the child: start the emulator module and keep the process alive until signalled.
const LAUNCHER = `
const [modulePath, host, port, projectId] = process.argv.slice(1);
const { AuthEmulator } = require(modulePath);
const emulator = new AuthEmulator({ host, port: Number(port), projectId, singleProjectMode: 1 });
emulator.start().then(() => console.log("auth emulator ready"), (e) => { console.error(e); process.exit(1); });
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => emulator.stop().finally(() => process.exit(0)));
`;

export interface AuthEmulatorOptions {
  projectId: string;
  port?: number;
  readyTimeoutMs?: number;
}

export class AuthEmulator {
  /** `127.0.0.1:PORT`, the value of FIREBASE_AUTH_EMULATOR_HOST. */
  readonly host: string;
  readonly projectId: string;
  private readonly process: ManagedProcess;

  private constructor(host: string, projectId: string, process: ManagedProcess) {
    this.host = host;
    this.projectId = projectId;
    this.process = process;
  }

  get pgid(): number {
    return this.process.pgid;
  }

  static async start(options: AuthEmulatorOptions): Promise<AuthEmulator> {
    const modulePath = require.resolve("firebase-tools/lib/emulator/auth");
    const port = options.port ?? (await freePort());
    const child = new ManagedProcess(
      process.execPath,
      ["-e", LAUNCHER, modulePath, "127.0.0.1", String(port), options.projectId],
      { label: "Auth emulator", env: { ...process.env, IS_FIREBASE_CLI: "" } },
    );
    const emulator = new AuthEmulator(`127.0.0.1:${port}`, options.projectId, child);
    try {
      await child.waitUntil(() => answers(`http://${emulator.host}/`), options.readyTimeoutMs ?? 60_000);
    } catch (error) {
      await child.stop();
      throw error;
    }
    return emulator;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  /** Creates the user if needed and returns a fresh ID token for it. */
  idToken(uid: string): Promise<string> {
    return emulatorIdToken(this.host, this.projectId, uid);
  }

  /** Deletes every account (between tests). */
  async clear(): Promise<void> {
    const response = await fetch(`http://${this.host}/emulator/v1/projects/${this.projectId}/accounts`, {
      method: "DELETE",
    });
    if (!response.ok) throw new Error(`clearing Auth emulator accounts failed: ${response.status}`);
  }
}

/**
 * Signs `uid` in on an Auth emulator at `host` (creating the account on first use) and returns its
 * ID token. Emulator tokens are unsigned; only an emulator-mode verifier accepts them.
 */
export async function emulatorIdToken(host: string, projectId: string, uid: string): Promise<string> {
  const response = await fetch(
    `http://${host}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=local`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: unsignedCustomToken(uid, projectId), returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as { idToken?: string; error?: { message: string } };
  if (!response.ok || !body.idToken) {
    throw new Error(`Auth emulator refused the sign-in for ${uid}: ${body.error?.message ?? response.status}`);
  }
  return body.idToken;
}

/** The emulator accepts unsigned custom tokens (`alg: none`), as firebase-admin mints them in emulator mode. */
function unsignedCustomToken(uid: string, projectId: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: `firebase-auth-emulator@${projectId}.iam.gserviceaccount.com`,
    sub: `firebase-auth-emulator@${projectId}.iam.gserviceaccount.com`,
    aud: "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit",
    iat: now,
    exp: now + 3600,
    uid,
  };
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
}
