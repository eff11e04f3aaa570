// A child process in its own process group: started, awaited until it answers, and stopped with
// every descendant (an emulator's launcher script and its JVM, say) by signalling the group.
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

// One exit hook for every group still running, not one listener per process: a platform with
// several instances per function starts more processes than Node's listener-leak warning allows.
const running = new Set<number>();
let exitHooked = false;
function killOnExit(pgid: number): void {
  running.add(pgid);
  if (exitHooked) return;
  exitHooked = true;
  process.once("exit", () => {
    for (const group of running) if (groupAlive(group)) process.kill(-group, "SIGKILL");
  });
}

export interface ManagedProcessOptions extends Pick<SpawnOptions, "env" | "cwd"> {
  /** Name used in error messages. */
  label: string;
  /** Receives the child's output as it arrives (stdout and stderr), e.g. to forward logs. */
  onOutput?: (chunk: string) => void;
}

export class ManagedProcess {
  readonly label: string;
  /** Process group id (the child's pid: it leads its own group). */
  readonly pgid: number;
  private readonly child: ChildProcess;
  private readonly output: string[] = [];

  constructor(command: string, args: string[], options: ManagedProcessOptions) {
    this.label = options.label;
    this.child = spawn(command, args, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: options.env,
      cwd: options.cwd,
    });
    if (this.child.pid === undefined) throw new Error(`${this.label}: could not start ${command}`);
    this.pgid = this.child.pid;
    const collect = (chunk: Buffer) => {
      options.onOutput?.(chunk.toString());
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    this.child.stdout?.on("data", collect);
    this.child.stderr?.on("data", collect);
    // Last resort if the owner never calls stop(): nothing we started outlives us.
    killOnExit(this.pgid);
  }

  /** Recent output, for error messages. */
  get recentOutput(): string {
    return this.output.join("");
  }

  /** Polls `ready` until it resolves true; fails early if the process exits. */
  async waitUntil(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.label} exited with ${this.child.exitCode}:\n${this.recentOutput}`);
      }
      if (await ready().catch(() => false)) return;
      await sleep(150);
    }
    throw new Error(`${this.label} not ready after ${timeoutMs} ms:\n${this.recentOutput}`);
  }

  /**
   * SIGKILL to the whole group at once, as an instance dies when its host is lost: no shutdown
   * handler runs, open sockets are reset. Resolves when every member is gone.
   */
  async kill(): Promise<void> {
    running.delete(this.pgid);
    if (groupAlive(this.pgid)) process.kill(-this.pgid, "SIGKILL");
    while (groupAlive(this.pgid)) await sleep(50);
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the whole group; a frozen process answers nothing. */
  freeze(frozen: boolean): void {
    if (groupAlive(this.pgid)) process.kill(-this.pgid, frozen ? "SIGSTOP" : "SIGCONT");
  }

  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when every member is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    running.delete(this.pgid);
    if (!groupAlive(this.pgid)) return;
    process.kill(-this.pgid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (groupAlive(this.pgid) && Date.now() < deadline) await sleep(100);
    if (groupAlive(this.pgid)) process.kill(-this.pgid, "SIGKILL");
    while (groupAlive(this.pgid)) await sleep(50);
  }
}

/** Answers true when `GET url` returns 2xx and its body passes `accept`. */
export async function answers(url: string, accept: (body: string) => boolean = () => true): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
  return response.ok && accept(await response.text());
}
