// Runs the official Firebase Auth emulator (from firebase-tools) in a child process of its own, on
// a free loopback port, without the Firebase CLI around it (no update checks, no network). ID
// tokens it issues are what firebase-admin accepts when FIREBASE_AUTH_EMULATOR_HOST is set.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { freePort } from "./firestore-emulator.ts";
import { answers, ManagedProcess } from "./managed-process.ts";

const require = createRequire(import.meta.url);

// Executed by the child: the emulator's own app (firebase-tools' createApp, as its AuthEmulator
// class starts it) with a project-state map kept here, an optional import in the format
// `firebase emulators:export` writes, then a ready line; it runs until signalled.
const LAUNCHER = `
const fs = require("node:fs");
const path = require("node:path");
const [serverPath, host, port, projectId, importDir] = process.argv.slice(1);
const { createApp } = require(serverPath);
async function main() {
  const states = new Map();
  const app = await createApp(projectId, 1, states);
  const server = app.listen(Number(port), host);
  await new Promise((resolve, reject) => { server.once("listening", resolve); server.once("error", reject); });
  for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
  if (importDir) {
    const base = "http://" + host + ":" + port;
    const headers = { Authorization: "Bearer owner", "Content-Type": "application/json" };
    const configFile = path.join(importDir, "config.json");
    if (fs.existsSync(configFile)) {
      await fetch(base + "/emulator/v1/projects/" + projectId + "/config", { method: "PATCH", headers, body: fs.readFileSync(configFile, "utf8") });
    }
    const users = JSON.parse(fs.readFileSync(path.join(importDir, "accounts.json"), "utf8")).users ?? [];
    if (users.length > 0) {
      const created = await fetch(base + "/identitytoolkit.googleapis.com/v1/projects/" + projectId + "/accounts:batchCreate", { method: "POST", headers, body: JSON.stringify({ users }) });
      if (!created.ok) throw new Error("importing accounts failed: " + (await created.text()));
      // batchCreate stamps every account valid from now on, which would revoke every session
      // signed in before the restart; the export says since when each account's sessions are valid.
      const state = states.get(projectId);
      for (const user of users) state.updateUserByLocalId(user.localId, { validSince: user.validSince });
    }
  }
  console.log("auth emulator ready");
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

export interface AuthEmulatorOptions {
  projectId: string;
  port?: number;
  readyTimeoutMs?: number;
  /** A folder written by `export()`: its accounts and config are loaded before the emulator is ready. */
  importFrom?: string;
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
    const modulePath = require.resolve("firebase-tools/lib/emulator/auth/server");
    const port = options.port || (await freePort());
    const child = new ManagedProcess(
      process.execPath,
      [
        "-e",
        LAUNCHER,
        modulePath,
        "127.0.0.1",
        String(port),
        options.projectId,
        ...(options.importFrom && existsSync(join(options.importFrom, "accounts.json")) ? [options.importFrom] : []),
      ],
      { label: "Auth emulator", env: { ...process.env, IS_FIREBASE_CLI: "" } },
    );
    const emulator = new AuthEmulator(`127.0.0.1:${port}`, options.projectId, child);
    try {
      await child.waitUntil(async () => {
        // With an import, the emulator answers before the accounts are in: wait for the launcher's word.
        if (!child.recentOutput.includes("auth emulator ready")) return false;
        return answers(`http://${emulator.host}/`);
      }, options.readyTimeoutMs ?? 60_000);
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

  /**
   * Writes every account and the emulator's config into `dir` the way `firebase emulators:export`
   * does (accounts.json, config.json), for `importFrom` on the next start.
   */
  async export(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const base = `http://${this.host}`;
    const owner = { Authorization: "Bearer owner" };
    for (const [file, path] of [
      [
        "accounts.json",
        `/identitytoolkit.googleapis.com/v1/projects/${this.projectId}/accounts:batchGet?maxResults=-1`,
      ],
      ["config.json", `/emulator/v1/projects/${this.projectId}/config`],
    ] as const) {
      const response = await fetch(`${base}${path}`, { headers: owner });
      if (!response.ok) throw new Error(`exporting the Auth emulator's ${file} failed: ${response.status}`);
      await writeFile(join(dir, file), await response.text());
    }
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
  return (await emulatorSession(host, projectId, uid)).idToken;
}

/** What a sign-in gives a browser: the ID token and the refresh token the Firebase SDK keeps. */
export interface EmulatorSession {
  idToken: string;
  refreshToken: string;
}

/** Signs `uid` in (creating the account on first use), as emulatorIdToken, keeping the refresh token. */
export async function emulatorSession(host: string, projectId: string, uid: string): Promise<EmulatorSession> {
  const response = await fetch(
    `http://${host}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=local`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: unsignedCustomToken(uid, projectId), returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as { idToken?: string; refreshToken?: string; error?: { message: string } };
  if (!response.ok || !body.idToken || !body.refreshToken) {
    throw new Error(`Auth emulator refused the sign-in for ${uid}: ${body.error?.message ?? response.status}`);
  }
  return { idToken: body.idToken, refreshToken: body.refreshToken };
}

/** A fresh ID token for a refresh token, the way the Firebase JS SDK's `getIdToken(true)` gets one. */
export async function refreshEmulatorIdToken(host: string, refreshToken: string): Promise<string> {
  const response = await fetch(`http://${host}/securetoken.googleapis.com/v1/token?key=local`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
  });
  const body = (await response.json()) as { id_token?: string; error?: { message: string } };
  if (!response.ok || !body.id_token) {
    throw new Error(`Auth emulator refused the refresh: ${body.error?.message ?? response.status}`);
  }
  return body.id_token;
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
