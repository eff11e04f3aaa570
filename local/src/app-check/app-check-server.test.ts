// The App Check stand-in speaks Google's REST shapes and refuses what Google refuses, in its words.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppCheckServer, exchangeDebugToken, startAppCheckServer } from "./app-check-server.ts";

const PROJECT = "demo-app-check-stand-in";
const NUMBER = "444455556666";
let server: AppCheckServer;

beforeAll(async () => {
  server = await startAppCheckServer({ projectId: PROJECT, projectNumber: NUMBER });
});
afterAll(() => server?.stop());

async function verify(
  token: string,
  headers: Record<string, string> = { Authorization: "Bearer t" },
  project = NUMBER,
) {
  const response = await fetch(`${server.url}/v1beta/projects/${project}:verifyAppCheckToken`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ appCheckToken: token }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the App Check stand-in", () => {
  it("serves its key as a JWK set with a cache lifetime of at most six hours", async () => {
    const response = await fetch(`${server.url}/v1/jwks`);
    expect(response.headers.get("cache-control")).toBe("public, max-age=21600");
    const { keys } = (await response.json()) as { keys: Array<Record<string, string>> };
    expect(keys).toEqual([
      expect.objectContaining({ kty: "RSA", use: "sig", alg: "RS256", kid: expect.any(String), n: expect.any(String) }),
    ]);
  });

  it("exchanges a registered debug secret for a one-hour token and refuses another with 403 App attestation failed.", async () => {
    const exchanged = await exchangeDebugToken({
      baseUrl: server.url,
      projectNumber: NUMBER,
      appId: server.appId,
      debugToken: server.debugToken,
    });
    expect(exchanged.ttl).toBe("3600s");
    const claims = JSON.parse(Buffer.from(exchanged.token.split(".")[1] as string, "base64url").toString());
    expect(claims).toMatchObject({
      sub: server.appId,
      aud: [`projects/${NUMBER}`, `projects/${PROJECT}`],
      iss: `https://firebaseappcheck.googleapis.com/${NUMBER}`,
    });
    expect(claims.exp - claims.iat).toBe(3600);
    const refused = await fetch(
      `${server.url}/v1/projects/${NUMBER}/apps/${encodeURIComponent(server.appId)}:exchangeDebugToken`,
      { method: "POST", body: JSON.stringify({ debugToken: "not-registered" }) },
    );
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: { code: 403, message: "App attestation failed.", status: "PERMISSION_DENIED" },
    });
  });

  it("consumes a token on its first verification and reports it consumed afterwards", async () => {
    const token = await server.mint();
    expect(await verify(token)).toEqual({ status: 200, body: {} });
    expect(await verify(token)).toEqual({ status: 200, body: { alreadyConsumed: true } });
  });

  it.each([
    ["a forged token", async () => server.mint({ foreignKey: true }), NUMBER],
    ["an expired token", async () => server.mint({ expiresIn: -1 }), NUMBER],
    ["another project's path", async () => server.mint(), "777"],
  ])("answers 403 PERMISSION_DENIED for %s", async (_, token, project) => {
    const answer = await verify(await token(), { Authorization: "Bearer t" }, project);
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 403, status: "PERMISSION_DENIED" } } });
  });

  it("answers 401 UNAUTHENTICATED without a credential, and counts no consume call", async () => {
    const before = server.consumeCalls();
    const answer = await verify(await server.mint(), {});
    expect(answer).toMatchObject({ status: 401, body: { error: { status: "UNAUTHENTICATED" } } });
    expect(server.consumeCalls()).toBe(before);
  });
});
