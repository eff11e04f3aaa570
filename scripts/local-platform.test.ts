import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createGenAiClient } from "@genai-platform/client";
import { emulatorSession, refreshEmulatorIdToken } from "@genai-platform/local/auth-emulator.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
/** Far above the few images this file generates: the budget is recorded and read, never reached. */
const DAILY_BUDGET_USD = 25;
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

const ALLOWED_ORIGIN = "http://127.0.0.1:5999";

/** `npm start` with `args` on free ports; resolves once it prints `ready:`. */
async function startPlatform(args: string[]) {
  const child = spawn(process.execPath, ["scripts/local-platform.ts", "--free-ports", "--no-web", "--quiet", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const deadline = Date.now() + 90_000;
  while (!/ready: (\S+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`not ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, baseUrl: output.match(/ready: (\S+)/)?.[1] ?? "", output: () => output };
}

async function stopPlatform(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}

describe("npm start (the local platform)", () => {
  let dir: string;
  let child: ChildProcess;
  let output: () => string;
  let baseUrl = "";
  let token = "";
  let jobId = "";
  let refreshToken = "";
  const state = () => join(dir, "platform.json");
  const data = () => join(dir, "data");
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "local-platform-"));
    ({ child, baseUrl, output } = await startPlatform([
      "--state",
      state(),
      "--data",
      data(),
      "--web-origin",
      ALLOWED_ORIGIN,
      "--daily-budget-usd",
      String(DAILY_BUDGET_USD),
    ]));
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the project id, the emulator hosts and a Firebase web config in its ready block", () => {
    const text = output();
    expect(text).toMatch(/project: +demo-genai-platform/);
    expect(text).toMatch(/connectAuthEmulator\(getAuth\(app\), "http:\/\/127\.0\.0\.1:\d+"\)/);
    expect(text).toMatch(/connectFirestoreEmulator\(getFirestore\(app\), "127\.0\.0\.1", \d+\)/);
    expect(text).toContain(`origins:   ${ALLOWED_ORIGIN} `);
    expect(text).toMatch(/free image 10, video 1, agent 25; pro image 100, video 10, agent 200/);
  });

  it("serves an image from admission to a signed URL, with a token from npm run token", async () => {
    const { stdout } = await run(
      process.execPath,
      ["scripts/token.ts", "--uid", "walkthrough", "--tier", "pro", "--state", state()],
      { cwd: ROOT },
    );
    // A browser's session for the same account: an ID token and the refresh token the SDK keeps.
    const platformState = JSON.parse(await readFile(state(), "utf8")) as { authHost: string; projectId: string };
    ({ refreshToken } = await emulatorSession(platformState.authHost, platformState.projectId, "walkthrough"));
    token = stdout.trim();
    const admitted = await fetch(`${baseUrl}/generateImage`, {
      method: "POST",
      headers: { ...auth(), "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "a paper boat on a pond", aspectRatio: "4:3" }),
    });
    expect(admitted.status).toBe(202);
    ({ jobId } = (await admitted.json()) as { jobId: string });
    let job: { status: string; output?: { url: string } } = { status: "queued" };
    for (let i = 0; i < 100 && !["succeeded", "failed"].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 200));
      job = (await (await fetch(`${baseUrl}/getJob?jobId=${jobId}`, { headers: auth() })).json()) as typeof job;
    }
    expect(job.status).toBe("succeeded");
    const media = await fetch(job.output?.url ?? "");
    expect(media.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await media.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    const usage = (await (await fetch(`${baseUrl}/getUsage`, { headers: auth() })).json()) as {
      tier: string;
      kinds: { image: { used: number } };
    };
    expect(usage).toMatchObject({ tier: "pro", kinds: { image: { used: 1 } } });
    expect(JSON.parse(await readFile(state(), "utf8"))).toMatchObject({ url: baseUrl });
  }, 60_000);

  it("records --daily-budget-usd in its state file; npm run admin -- budget shows the image's cost against it", async () => {
    const recorded = JSON.parse(await readFile(state(), "utf8")) as { dailyBudgetUsd?: number };
    expect(recorded.dailyBudgetUsd).toBe(DAILY_BUDGET_USD);
    const { stdout } = await run(process.execPath, ["scripts/admin.ts", "budget", "--json", "--state", state()], {
      cwd: ROOT,
    });
    const { result } = JSON.parse(stdout) as {
      result: { spent: { microUsd: number }; cap: { usd: number; source: string }; shards: number };
    };
    expect(result.cap).toMatchObject({ usd: DAILY_BUDGET_USD, source: "the day's shards" });
    expect(result.spent.microUsd).toBeGreaterThan(0);
    expect(result.shards).toBe(1);
  });

  it("allows a preflight from a --web-origin and refuses one from another origin with FORBIDDEN", async () => {
    const preflight = (origin: string) =>
      fetch(`${baseUrl}/generateImage`, {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get("access-control-allow-headers")).toMatch(/Idempotency-Key/);
    const refused = await preflight("http://localhost:5173");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(await refused.json()).toEqual({ error: { code: "FORBIDDEN", message: "this origin is not allowed" } });
  });

  it("answers a signed URL fetched from an allowed origin with the bucket's CORS headers", async () => {
    const job = (await (await fetch(`${baseUrl}/getJob?jobId=${jobId}`, { headers: auth() })).json()) as {
      output: { url: string };
    };
    const allowed = await fetch(job.output.url, { headers: { Origin: ALLOWED_ORIGIN } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get("access-control-expose-headers")).toBe("Content-Type,Content-Length");
    const other = await fetch(job.output.url, { headers: { Origin: "http://localhost:5173" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

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

  it("stops everything it started on SIGTERM, saving the emulators' state into --data", async () => {
    const pid = child.pid ?? 0;
    const started = await descendants(pid);
    expect(started.length).toBeGreaterThanOrEqual(9);
    expect(await stopPlatform(child)).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(started.filter(alive)).toEqual([]);
    expect(existsSync(state())).toBe(false);
    expect(existsSync(join(data(), "auth", "accounts.json"))).toBe(true);
  }, 60_000);

  it("keeps the user, the job, its media and the usage across a restart with the same --data", async () => {
    ({ child, baseUrl } = await startPlatform(["--state", state(), "--data", data()]));
    try {
      const { authHost } = JSON.parse(await readFile(state(), "utf8")) as { authHost: string };
      // A browser's session carries over: the ID token from before the restart still verifies, and
      // so does one refreshed with the refresh token the SDK kept.
      const client = createGenAiClient({ baseUrl, getIdToken: async () => token });
      const view = await client.getJob(jobId);
      expect(view.status).toBe("succeeded");
      const media = await fetch(view.output?.url ?? "");
      expect(media.status).toBe(200);
      expect(media.headers.get("content-type")).toBe("image/png");
      token = await refreshEmulatorIdToken(authHost, refreshToken);
      expect(await client.getUsage()).toMatchObject({ tier: "pro", kinds: { image: { used: 1 } } });
    } finally {
      expect(await stopPlatform(child)).toBe(0);
    }
  }, 150_000);
});

describe("npm start -- --app-check enforce --app-check-consume", () => {
  let dir: string;
  let child: ChildProcess;
  let baseUrl = "";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "local-platform-app-check-"));
    ({ child, baseUrl } = await startPlatform([
      "--state",
      join(dir, "platform.json"),
      "--app-check",
      "enforce",
      "--app-check-consume",
    ]));
  }, 120_000);

  afterAll(async () => {
    if (child) await stopPlatform(child);
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a request without an App Check token, admits one from npm run token -- --app-check once, and refuses its replay", async () => {
    const { stdout } = await run(
      process.execPath,
      ["scripts/token.ts", "--uid", "attested", "--app-check", "--state", join(dir, "platform.json")],
      { cwd: ROOT },
    );
    const [idToken, appCheckToken] = stdout.trim().split("\n") as [string, string];
    const generate = (headers: Record<string, string>) =>
      fetch(`${baseUrl}/generateImage`, {
        method: "POST",
        headers: { Authorization: `Bearer ${idToken}`, "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ prompt: "a paper boat on a pond" }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } }));
    expect(await generate({})).toMatchObject({ status: 403, body: { error: { code: "APP_CHECK_MISSING" } } });
    expect((await generate({ "X-Firebase-AppCheck": appCheckToken })).status).toBe(202);
    expect(await generate({ "X-Firebase-AppCheck": appCheckToken })).toMatchObject({
      status: 403,
      body: { error: { code: "APP_CHECK_REPLAYED" } },
    });
  });
});
