// The revocation cache's lifetime and the key cache, with a clock of the test's own: a real RS256
// token signed at the test's time, its public key served on 127.0.0.1 with a max-age. The token
// checks themselves are covered by the endpoint tests; here the caches are under test.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Auth } from "firebase-admin/auth";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FirebaseIdentityVerifier, REVOCATION_CACHE_MS } from "./firebase-identity-verifier.ts";

const SIGNED_IN = 1_700_000_000;
const PROJECT = "demo-verifier";
const KEYS_MAX_AGE_S = 3600;
const noAuth = () => {
  throw new Error("firebase-admin is not needed by these checks");
};
let t = "";
let certsUrl = "";
let keyFetches = 0;
const server = createServer();

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const pem = await exportSPKI(publicKey);
  server.on("request", (_req, res) => {
    keyFetches++;
    res.writeHead(200, { "content-type": "application/json", "cache-control": `public, max-age=${KEYS_MAX_AGE_S}` });
    res.end(JSON.stringify({ k1: pem }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  certsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  t = await new SignJWT({ auth_time: SIGNED_IN, firebase: { sign_in_provider: "password" }, email_verified: true })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(`https://securetoken.google.com/${PROJECT}`)
    .setAudience(PROJECT)
    .setSubject("ada")
    .setIssuedAt(SIGNED_IN)
    .setExpirationTime(SIGNED_IN + 2 * KEYS_MAX_AGE_S)
    .sign(privateKey);
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function verifier() {
  let now = SIGNED_IN * 1000 + 60_000;
  const account = { disabled: false, lookups: 0, fail: false };
  const v = new FirebaseIdentityVerifier(noAuth as () => Auth, {
    projectId: PROJECT,
    certsUrl,
    now: () => now,
    lookup: async () => {
      account.lookups++;
      if (account.fail) throw Object.assign(new Error("lookup failed"), { code: "app/network-error" });
      return { disabled: account.disabled };
    },
  });
  return { v, account, advance: (ms: number) => (now += ms) };
}

describe("the key cache", () => {
  it("fetches Google's keys once per max-age and returns the token's provider and verified email", async () => {
    const { v, advance } = verifier();
    const before = keyFetches;
    await expect(v.verify(t)).resolves.toEqual({ uid: "ada", signInProvider: "password", emailVerified: true });
    advance(KEYS_MAX_AGE_S * 1000 - 1);
    await v.verify(t);
    expect(keyFetches - before).toBe(1);
    advance(1);
    await v.verify(t);
    expect(keyFetches - before).toBe(2);
  });
});

describe("the revocation check", () => {
  it("sees an account disabled after its cached lookup once the cache period has passed", async () => {
    const { v, account, advance } = verifier();
    await expect(v.verify(t, { checkRevoked: true })).resolves.toMatchObject({ uid: "ada" });
    account.disabled = true;
    advance(REVOCATION_CACHE_MS - 1);
    await expect(v.verify(t, { checkRevoked: true })).resolves.toMatchObject({ uid: "ada" });
    advance(1);
    await expect(v.verify(t, { checkRevoked: true })).rejects.toMatchObject({ code: "TOKEN_REVOKED" });
    expect(account.lookups).toBe(2);
  });

  it("does not cache a failed lookup, and skips the lookup when not asked to check", async () => {
    const { v, account } = verifier();
    account.fail = true;
    await expect(v.verify(t, { checkRevoked: true })).rejects.toThrow("lookup failed");
    account.fail = false;
    await expect(v.verify(t, { checkRevoked: true })).resolves.toMatchObject({ uid: "ada" });
    await v.verify(t);
    expect(account.lookups).toBe(2);
  });
});
