// The local scheduler against a plain HTTP target: each run POSTs with a token of the platform's
// signer for the scheduler identity and the target's own URL; the timer keeps running it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { checkWorkerRequest, createLocalOidcIssuer } from "../tasks/local-oidc-token.ts";
import { type LocalScheduler, startLocalScheduler } from "./local-scheduler.ts";

const EMAIL = "sweep-scheduler@local.iam.gserviceaccount.com";

async function target(status = 200) {
  const calls: Array<{ method: string | undefined; authorization: string | undefined }> = [];
  const server: Server = createServer((req, res) => {
    calls.push({ method: req.method, authorization: req.headers.authorization });
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ call: calls.length }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { calls, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe("the local scheduler", () => {
  const started: Array<{ scheduler: LocalScheduler; server: Server }> = [];
  afterEach(async () => {
    for (const { scheduler, server } of started.splice(0)) {
      await scheduler.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("POSTs with a token Cloud Run's check accepts for the scheduler identity and the target's URL", async () => {
    const issuer = await createLocalOidcIssuer();
    const t = await target();
    const log: string[] = [];
    const scheduler = startLocalScheduler({ url: t.url, email: EMAIL, issuer, intervalMs: 0, log: (l) => log.push(l) });
    started.push({ scheduler, server: t.server });
    expect(await scheduler.run()).toEqual({ call: 1 });
    expect(t.calls[0]?.method).toBe("POST");
    const policy = { publicJwk: issuer.publicJwk, audience: t.url, invokerEmail: EMAIL };
    expect(await checkWorkerRequest(t.calls[0]?.authorization, policy)).toEqual({ ok: true });
    expect(log).toEqual(['run: {"call":1}']);
  });

  it("rejects and logs a refused run", async () => {
    const issuer = await createLocalOidcIssuer();
    const t = await target(403);
    const log: string[] = [];
    const scheduler = startLocalScheduler({ url: t.url, email: EMAIL, issuer, intervalMs: 0, log: (l) => log.push(l) });
    started.push({ scheduler, server: t.server });
    await expect(scheduler.run()).rejects.toThrow(/^403 /);
    expect(log).toEqual(['run failed: 403 {"call":1}']);
  });

  it("runs again and again on its interval until stopped", async () => {
    const issuer = await createLocalOidcIssuer();
    const t = await target();
    const scheduler = startLocalScheduler({ url: t.url, email: EMAIL, issuer, intervalMs: 20, log: () => {} });
    started.push({ scheduler, server: t.server });
    while (t.calls.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    await scheduler.stop();
    const after = t.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.calls.length).toBe(after);
  });
});
