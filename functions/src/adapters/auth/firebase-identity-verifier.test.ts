// The revocation cache's lifetime, with a clock of the test's own: signatures are covered by the
// endpoint tests (real tokens); here only the account lookup and its caching are under test.
import type { Auth } from "firebase-admin/auth";
import { describe, expect, it } from "vitest";
import { FirebaseIdentityVerifier, REVOCATION_CACHE_MS } from "./firebase-identity-verifier.ts";

const SIGNED_IN = 1_700_000_000;
const auth = { verifyIdToken: async () => ({ uid: "ada", auth_time: SIGNED_IN }) } as unknown as Auth;

function verifier() {
  let now = SIGNED_IN * 1000 + 60_000;
  const account = { disabled: false, lookups: 0, fail: false };
  const v = new FirebaseIdentityVerifier(() => auth, {
    now: () => now,
    lookup: async () => {
      account.lookups++;
      if (account.fail) throw Object.assign(new Error("lookup failed"), { code: "app/network-error" });
      return { disabled: account.disabled };
    },
  });
  return { v, account, advance: (ms: number) => (now += ms) };
}

describe("the revocation check", () => {
  it("sees an account disabled after its cached lookup once the cache period has passed", async () => {
    const { v, account, advance } = verifier();
    await expect(v.verify("t", { checkRevoked: true })).resolves.toEqual({ uid: "ada" });
    account.disabled = true;
    advance(REVOCATION_CACHE_MS - 1);
    await expect(v.verify("t", { checkRevoked: true })).resolves.toEqual({ uid: "ada" });
    advance(1);
    await expect(v.verify("t", { checkRevoked: true })).rejects.toMatchObject({ code: "TOKEN_REVOKED" });
    expect(account.lookups).toBe(2);
  });

  it("does not cache a failed lookup, and skips the lookup when not asked to check", async () => {
    const { v, account } = verifier();
    account.fail = true;
    await expect(v.verify("t", { checkRevoked: true })).rejects.toThrow("lookup failed");
    account.fail = false;
    await expect(v.verify("t", { checkRevoked: true })).resolves.toEqual({ uid: "ada" });
    await v.verify("t");
    expect(account.lookups).toBe(2);
  });
});
