// The local function host plays Cloud Run's part for an internal worker: only a token signed by the
// local Cloud Tasks, for the worker's own URL, from the tasks invoker, reaches the function.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupAlive } from "../managed-process.ts";
import { createLocalOidcIssuer, type LocalOidcIssuer } from "../tasks/local-oidc-token.ts";
import { type HostedFunction, hostFunction } from "./function-host.ts";

const BUNDLE = fileURLToPath(new URL("./fixtures/echo-worker.js", import.meta.url));
const INVOKER = "tasks-invoker@local.iam.gserviceaccount.com";

describe("a worker behind the local function host", () => {
  let issuer: LocalOidcIssuer;
  let stranger: LocalOidcIssuer;
  let worker: HostedFunction;
  let audience: string;

  beforeAll(async () => {
    [issuer, stranger] = await Promise.all([createLocalOidcIssuer(), createLocalOidcIssuer()]);
    const { freePort } = await import("../firestore-emulator.ts");
    const port = await freePort();
    audience = `http://127.0.0.1:${port}/`;
    worker = await hostFunction({
      name: "echoWorker",
      bundleIndex: BUNDLE,
      port,
      env: {
        PATH: process.env.PATH ?? "",
        WORKER_AUTH: JSON.stringify({ publicJwk: issuer.publicJwk, audience, invokerEmail: INVOKER }),
      },
    });
  });
  afterAll(() => worker?.stop());

  const deliver = (authorization?: string) =>
    fetch(`${worker.url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-cloudtasks-queuename": "image-jobs",
        ...(authorization ? { authorization } : {}),
      },
      body: "{}",
    });

  it("passes a delivery with the invoker's token for the worker's URL", async () => {
    const token = await issuer.sign({ email: INVOKER, aud: audience });
    const answer = await deliver(`Bearer ${token}`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ queue: "image-jobs" });
  });

  it.each([
    ["no token", async () => undefined, 401],
    [
      "a token for another URL",
      async () => `Bearer ${await issuer.sign({ email: INVOKER, aud: "http://127.0.0.1:1/" })}`,
      401,
    ],
    [
      "a token for the cloudfunctions.net form of the URL",
      async () =>
        `Bearer ${await issuer.sign({ email: INVOKER, aud: "https://europe-west1-p.cloudfunctions.net/image-worker" })}`,
      401,
    ],
    [
      "a token signed by another key",
      async () => `Bearer ${await stranger.sign({ email: INVOKER, aud: audience })}`,
      401,
    ],
    [
      "an expired token",
      async () => `Bearer ${await issuer.sign({ email: INVOKER, aud: audience, iat: 1_000_000, lifetimeSeconds: 60 })}`,
      401,
    ],
    [
      "another identity's valid token",
      async () =>
        `Bearer ${await issuer.sign({ email: "fn-generate-image@local.iam.gserviceaccount.com", aud: audience })}`,
      403,
    ],
  ])("refuses a delivery with %s before the function runs", async (_, token, status) => {
    const answer = await deliver(await token());
    expect(answer.status).toBe(status);
    expect(await answer.text()).not.toContain("image-jobs");
  });

  it("dies with its whole process group on kill() and serves again on the same port, with the same checks, after restart()", async () => {
    const token = await issuer.sign({ email: INVOKER, aud: audience });
    const before = worker.pgid;
    await worker.kill();
    expect(groupAlive(before)).toBe(false);
    await expect(deliver(`Bearer ${token}`)).rejects.toThrow();
    await worker.restart();
    expect(worker.pgid).not.toBe(before);
    const answer = await deliver(`Bearer ${token}`);
    expect(answer.status).toBe(200);
    // Same environment: the worker policy still refuses a stranger's token.
    expect((await deliver(`Bearer ${await stranger.sign({ email: INVOKER, aud: audience })}`)).status).toBe(401);
  });
});
