// The verifier's own checks and caches, against the local App Check stand-in with real RS256
// signatures: the claims firebase-admin checks, the six-hour ceiling on the key cache, and an App
// Check service that cannot be reached answering UNAVAILABLE rather than admitting or refusing.
import { type AppCheckServer, startAppCheckServer } from "@genai-platform/local/app-check/app-check-server.ts";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JWKS_MAX_CACHE_MS } from "./app-check-token.ts";
import { FirebaseAppCheckVerifier } from "./firebase-app-check-verifier.ts";

const PROJECT = "demo-app-check-verifier";
const NUMBER = "111122223333";
let server: AppCheckServer;

beforeAll(async () => {
  server = await startAppCheckServer({ projectId: PROJECT, projectNumber: NUMBER });
});
afterAll(() => server?.stop());

const verifier = (options: { baseUrl?: string; now?: () => number } = {}) =>
  new FirebaseAppCheckVerifier({ projectId: PROJECT, projectNumber: NUMBER, baseUrl: server.url, ...options });

/** A token with the stand-in's claims but a header or claim changed: signed by a key nobody serves. */
async function unsigned(change: { alg?: string; iss?: string; sub?: string }) {
  const { privateKey } = await generateKeyPair("RS256");
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(change.sub === undefined ? {} : { sub: change.sub })
    .setProtectedHeader({ alg: "RS256", kid: "k" })
    .setIssuer(change.iss ?? `https://firebaseappcheck.googleapis.com/${NUMBER}`)
    .setAudience([`projects/${NUMBER}`, `projects/${PROJECT}`])
    .setExpirationTime(now + 600);
  const token = await jwt.sign(privateKey);
  if (!change.alg) return token;
  const [, payload, signature] = token.split(".");
  return `${Buffer.from(JSON.stringify({ alg: change.alg, kid: "k" })).toString("base64url")}.${payload}.${signature}`;
}

describe("FirebaseAppCheckVerifier", () => {
  it("returns the app id of a valid token", async () => {
    await expect(verifier().verify(await server.mint(), { consume: false })).resolves.toEqual({
      appId: server.appId,
    });
  });

  it.each([
    ["an algorithm other than RS256", { alg: "HS256" }, /algorithm is "HS256"/],
    ["another issuer", { iss: "https://firebaseappcheck.googleapis.com/999" }, /"iss"/],
    ["no subject", {}, /"sub"/],
  ] as const)("refuses a token with %s as APP_CHECK_INVALID before fetching keys", async (_, change, message) => {
    const error = await verifier({ baseUrl: "http://127.0.0.1:9" })
      .verify(await unsigned(change), { consume: false })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "APP_CHECK_INVALID", status: 403, message: expect.stringMatching(message) });
  });

  it("refuses a token that names only the project number, not the id (both are required)", async () => {
    const token = await server.mint({ audience: [`projects/${NUMBER}`] });
    await expect(verifier().verify(token, { consume: false })).rejects.toMatchObject({ code: "APP_CHECK_INVALID" });
  });

  it("keeps App Check's keys for at most six hours even when the JWKS allows longer", async () => {
    let now = Date.now();
    const v = verifier({ now: () => now });
    // Valid for longer than the cache, so only the cache decides when keys are fetched again.
    const token = await server.mint({ expiresIn: 7 * 3600 });
    const before = server.jwksFetches();
    await v.verify(token, { consume: false });
    now += JWKS_MAX_CACHE_MS - 1;
    await v.verify(token, { consume: false });
    expect(server.jwksFetches() - before).toBe(1);
    now += 1;
    await v.verify(token, { consume: false });
    expect(server.jwksFetches() - before).toBe(2);
  });

  it("answers UNAVAILABLE when App Check's keys cannot be fetched, and when the consume call cannot be made", async () => {
    const token = await server.mint();
    await expect(verifier({ baseUrl: "http://127.0.0.1:9" }).verify(token, { consume: false })).rejects.toMatchObject({
      code: "UNAVAILABLE",
      status: 503,
    });
    const v = verifier();
    await v.verify(token, { consume: false });
    await server.stop();
    try {
      await expect(v.verify(token, { consume: true })).rejects.toMatchObject({ code: "UNAVAILABLE" });
    } finally {
      server = await startAppCheckServer({ projectId: PROJECT, projectNumber: NUMBER });
    }
  });

  it("refuses the second use of a token with APP_CHECK_REPLAYED", async () => {
    const token = await server.mint();
    const v = verifier();
    await expect(v.verify(token, { consume: true })).resolves.toMatchObject({ appId: server.appId });
    await expect(v.verify(token, { consume: true })).rejects.toMatchObject({ code: "APP_CHECK_REPLAYED" });
  });
});
