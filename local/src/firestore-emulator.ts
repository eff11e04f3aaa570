// Runs the official Cloud Firestore emulator for tests and the local platform: its own process
// group on a free loopback port, ready when `GET /` answers, stopped with its Java child.
import { existsSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { answers, ManagedProcess } from "./managed-process.ts";

export { groupAlive } from "./managed-process.ts";

export interface FirestoreEmulatorOptions {
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Security rules file the emulator enforces for client SDK requests. */
  rulesPath?: string;
  /** How long to wait for readiness (default 60 s: a cold JVM on 2 cores). */
  readyTimeoutMs?: number;
  /** A folder written by `export()`: its documents are loaded at start (when it holds an export). */
  importFrom?: string;
}

/** What `export()` names the export, as `firebase emulators:export` does. */
const EXPORT_NAME = "firestore_export";

const SCRIPT = "cloud_firestore_emulator";
const INSTALL_HINT =
  "install it with `gcloud components install cloud-firestore-emulator` or the Debian/RPM package " +
  "`google-cloud-cli-firestore-emulator`, or point FIRESTORE_EMULATOR_SCRIPT at its launcher";

/** Finds the emulator's launcher script: explicit variable, then next to `gcloud` on PATH. */
export function findEmulatorScript(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.FIRESTORE_EMULATOR_SCRIPT;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`FIRESTORE_EMULATOR_SCRIPT=${explicit} does not exist`);
    return explicit;
  }
  const roots = new Set<string>();
  if (env.CLOUDSDK_ROOT_DIR) roots.add(env.CLOUDSDK_ROOT_DIR);
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    const gcloud = join(dir, "gcloud");
    if (existsSync(gcloud)) roots.add(dirname(dirname(realpathSync(gcloud))));
  }
  roots.add("/usr/lib/google-cloud-sdk");
  roots.add("/usr/share/google-cloud-sdk");
  for (const root of roots) {
    const script = join(root, "platform", "cloud-firestore-emulator", SCRIPT);
    if (existsSync(script)) return script;
  }
  throw new Error(`the Cloud Firestore emulator was not found; ${INSTALL_HINT}`);
}

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Deletes every document of one project's default database on an emulator at `host`. */
export async function clearEmulatorProject(host: string, projectId: string): Promise<void> {
  const url = `http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  const response = await fetch(url, { method: "DELETE" });
  if (!response.ok) throw new Error(`clearing ${projectId} failed: ${response.status} ${await response.text()}`);
}

export class FirestoreEmulator {
  /** `127.0.0.1:PORT`, the value of FIRESTORE_EMULATOR_HOST. */
  readonly host: string;
  private process: ManagedProcess;
  private readonly options: FirestoreEmulatorOptions;
  /** Where `stopKeepingData` left the documents for `startAgain`. */
  private kept: string | undefined;

  private constructor(host: string, process: ManagedProcess, options: FirestoreEmulatorOptions) {
    this.host = host;
    this.process = process;
    this.options = options;
  }

  /** Process group id: the launcher script and its Java child. */
  get pgid(): number {
    return this.process.pgid;
  }

  static async start(options: FirestoreEmulatorOptions = {}): Promise<FirestoreEmulator> {
    const port = options.port || (await freePort());
    const host = `127.0.0.1:${port}`;
    const emulator = new FirestoreEmulator(host, await launch(host, options, options.importFrom), {
      ...options,
      port,
    });
    return emulator;
  }

  /**
   * Stops the emulator (SIGKILL, as a crashed server) after writing its documents to a private
   * folder, so `startAgain` brings them back: an outage, not a data loss. Writes that land after
   * the export are lost, so the caller quiesces its clients around this call.
   */
  async stopKeepingData(projectId: string): Promise<void> {
    // A fresh folder each time: the emulator will not export over an earlier export.
    const folder = await mkdtemp(join(tmpdir(), "firestore-kept-"));
    await this.export(folder, projectId);
    await this.process.kill();
    if (this.kept) await rm(this.kept, { recursive: true, force: true });
    this.kept = folder;
  }

  /** Starts a stopped emulator again on the same port, with the documents `stopKeepingData` kept. */
  async startAgain(): Promise<void> {
    this.process = await launch(this.host, this.options, this.kept ?? this.options.importFrom);
  }

  /** Deletes every document of one project's default database. */
  clear(projectId: string): Promise<void> {
    return clearEmulatorProject(this.host, projectId);
  }

  /** Writes every project's documents into `dir` (the emulator's own export), for `importFrom`. */
  async export(dir: string, projectId: string): Promise<void> {
    const target = resolve(dir);
    await mkdir(target, { recursive: true });
    const response = await fetch(`http://${this.host}/emulator/v1/projects/${projectId}:export`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        database: `projects/${projectId}/databases/(default)`,
        export_directory: target,
        export_name: EXPORT_NAME,
      }),
    });
    if (!response.ok) throw new Error(`exporting Firestore failed: ${response.status} ${await response.text()}`);
  }

  /** Stops the launcher and its Java child. */
  async stop(): Promise<void> {
    await this.process.stop();
    if (this.kept) await rm(this.kept, { recursive: true, force: true });
  }
}

async function launch(host: string, options: FirestoreEmulatorOptions, importFrom?: string): Promise<ManagedProcess> {
  const script = findEmulatorScript();
  const port = host.slice(host.lastIndexOf(":") + 1);
  const args = ["start", "--host", "127.0.0.1", "--port", port];
  if (options.rulesPath) args.push("--rules", options.rulesPath);
  const metadata = importFrom && join(importFrom, EXPORT_NAME, `${EXPORT_NAME}.overall_export_metadata`);
  if (metadata && existsSync(metadata)) args.push("--import-data", metadata);
  const child = new ManagedProcess(script, args, { label: "Firestore emulator" });
  try {
    await child.waitUntil(
      () => answers(`http://${host}/`, (body) => body.trim() === "Ok"),
      options.readyTimeoutMs ?? 60_000,
    );
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}
