import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = new URL("..", import.meta.url).pathname;

/** Pids of every descendant of `pid` (the platform's emulators and function processes). */
async function descendants(pid: number): Promise<number[]> {
  const { stdout } = await run("ps", ["-eo", "pid=,ppid="]);
  const children = new Map<number, number[]>();
  for (const line of stdout.trim().split("\n")) {
    const [child, parent] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const all: number[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) {
      all.push(c);
      visit(c);
    }
  };
  visit(pid);
  return all;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("npm start (the local platform)", () => {
  let dir: string;
  let child: ChildProcess;
  let output = "";
  let baseUrl = "";
  const state = () => join(dir, "platform.json");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "local-platform-"));
    child = spawn(process.execPath, ["scripts/local-platform.ts", "--port", "0", "--quiet", "--state", state()], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 90_000;
    while (!/ready: (\S+)/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`not ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    baseUrl = output.match(/ready: (\S+)/)?.[1] ?? "";
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("serves an image from admission to a signed URL, with a token from npm run token", async () => {
    const { stdout: token } = await run(
      process.execPath,
      ["scripts/token.ts", "--uid", "walkthrough", "--tier", "pro", "--state", state()],
      { cwd: ROOT },
    );
    const auth = { Authorization: `Bearer ${token.trim()}` };
    const admitted = await fetch(`${baseUrl}/generateImage`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "a paper boat on a pond", aspectRatio: "4:3" }),
    });
    expect(admitted.status).toBe(202);
    const { jobId } = (await admitted.json()) as { jobId: string };
    let job: { status: string; output?: { url: string } } = { status: "queued" };
    for (let i = 0; i < 100 && !["succeeded", "failed"].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 200));
      job = (await (await fetch(`${baseUrl}/getJob?jobId=${jobId}`, { headers: auth })).json()) as typeof job;
    }
    expect(job.status).toBe("succeeded");
    const media = await fetch(job.output?.url ?? "");
    expect(media.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await media.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    const usage = (await (await fetch(`${baseUrl}/getUsage`, { headers: auth })).json()) as {
      tier: string;
      kinds: { image: { used: number } };
    };
    expect(usage).toMatchObject({ tier: "pro", kinds: { image: { used: 1 } } });
    expect(JSON.parse(await readFile(state(), "utf8"))).toMatchObject({ url: baseUrl });
  }, 60_000);

  it("answers malformed and oversized bodies with the API's JSON error before anything else runs", async () => {
    for (const [body, type, status, code] of [
      ['{"prompt":', "application/json", 400, "INVALID_JSON"],
      ["null", "application/json", 401, "TOKEN_MISSING"],
      ['{"prompt":"x"}', "application/json; charset=iso-8859-1", 415, "UNSUPPORTED_MEDIA_TYPE"],
      [JSON.stringify({ prompt: "x".repeat(1024 * 1024) }), "application/json", 413, "PAYLOAD_TOO_LARGE"],
    ] as const) {
      const res = await fetch(`${baseUrl}/generateImage`, { method: "POST", headers: { "Content-Type": type }, body });
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
  });

  it("stops everything it started on SIGTERM", async () => {
    const pid = child.pid ?? 0;
    const started = await descendants(pid);
    expect(started.length).toBeGreaterThanOrEqual(9);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(started.filter(alive)).toEqual([]);
    expect(existsSync(state())).toBe(false);
  }, 60_000);
});
