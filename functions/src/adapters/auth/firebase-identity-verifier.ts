// IdentityVerifier on firebase-admin: verifies the Firebase ID token's signature, issuer, audience
// and expiry, and maps the SDK's error codes to this API's stable ones. (The SDK reports most
// verification failures — bad signature, audience, issuer, kid, malformed JWT — as
// `auth/argument-error`; they all become TOKEN_INVALID.) On request it also checks that the account
// is neither disabled nor had its sessions revoked, the check `verifyIdToken(token, true)` makes,
// with the account lookup cached per uid for a short while so it is not paid on every request.
import type { Auth } from "firebase-admin/auth";
import { documentIdProblem } from "../../domain/document-ids.ts";
import { AppError, type ErrorCode } from "../../domain/errors.ts";
import type { IdentityVerifier, VerifiedUser, VerifyOptions } from "../../ports/index.ts";
import { withDeadline } from "../system/deadline.ts";

/** How long an account lookup answers revocation checks for its uid: the most a revocation waits. */
export const REVOCATION_CACHE_MS = 30_000;
/** One Identity Toolkit lookup; past this the request answers 503 UNAVAILABLE. */
const LOOKUP_DEADLINE_MS = 5_000;

interface AccountState {
  disabled: boolean;
  /** Tokens signed in before this (ms, whole seconds as Firebase records it) are revoked. */
  validSinceMs: number;
}

/** What the revocation check needs of an account: `Auth.getUser` by default. */
export type AccountLookup = (uid: string) => Promise<{ disabled: boolean; tokensValidAfterTime?: string }>;

export interface FirebaseIdentityVerifierOptions {
  /** Default: firebase-admin's `getUser` (Identity Toolkit `accounts:lookup`). */
  lookup?: AccountLookup;
  /** Default REVOCATION_CACHE_MS. */
  revocationCacheMs?: number;
  now?: () => number;
}

const CODES: Record<string, { code: ErrorCode; message: string }> = {
  "auth/id-token-expired": { code: "TOKEN_EXPIRED", message: "the ID token has expired; refresh it and retry" },
  "auth/id-token-revoked": { code: "TOKEN_REVOKED", message: "the ID token has been revoked" },
  "auth/user-disabled": { code: "TOKEN_REVOKED", message: "the account is disabled" },
  // Only the Auth emulator looks the account up on every verification (production checks the
  // signature alone), so an unknown account means a token minted by an earlier emulator run.
  "auth/user-not-found": {
    code: "TOKEN_INVALID",
    message:
      "the ID token names an account this Auth emulator does not know: it was issued by an earlier run " +
      "of the emulator. Sign in again (npm start -- --data DIR keeps accounts across restarts)",
  },
};

export class FirebaseIdentityVerifier implements IdentityVerifier {
  private readonly auth: () => Auth;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private readonly accounts = new Map<string, { state: Promise<AccountState>; fetchedAt: number }>();
  private readonly lookup: AccountLookup;

  /** `auth` is a thunk so the SDK is created on first use, not at cold start. */
  constructor(auth: () => Auth, options: FirebaseIdentityVerifierOptions = {}) {
    this.auth = auth;
    this.cacheMs = options.revocationCacheMs ?? REVOCATION_CACHE_MS;
    this.now = options.now ?? Date.now;
    this.lookup = options.lookup ?? ((uid) => this.auth().getUser(uid));
  }

  async verify(idToken: string, options: VerifyOptions = {}): Promise<VerifiedUser> {
    let uid: string;
    let authTime: number;
    let signInProvider: string;
    let emailVerified: boolean;
    try {
      const decoded = await this.auth().verifyIdToken(idToken);
      uid = decoded.uid;
      authTime = decoded.auth_time;
      // Source: https://firebase.google.com/docs/reference/admin/node/firebase-admin.auth.decodedidtoken
      signInProvider = decoded.firebase.sign_in_provider;
      emailVerified = decoded.email_verified === true;
    } catch (error) {
      const known = CODES[(error as { code?: string }).code ?? ""];
      throw new AppError(known?.code ?? "TOKEN_INVALID", known?.message ?? "the ID token is not valid", {
        cause: error,
      });
    }
    // A signed token can still carry a uid no document path can hold (Firebase allows any 1-128
    // characters): refused before any path is built from it.
    const problem = documentIdProblem(uid);
    if (problem) throw new AppError("INVALID_ARGUMENT", `the token's uid ${problem}`, { field: "uid" });
    if (options.checkRevoked) {
      const account = await this.account(uid);
      if (account.disabled) throw new AppError("TOKEN_REVOKED", "the account is disabled");
      if (authTime * 1000 < account.validSinceMs) throw new AppError("TOKEN_REVOKED", "the ID token has been revoked");
    }
    return { uid, signInProvider, emailVerified };
  }

  /** The account's state, looked up at most once per uid per cache period (concurrent callers share it). */
  private account(uid: string): Promise<AccountState> {
    const now = this.now();
    const cached = this.accounts.get(uid);
    if (cached && now - cached.fetchedAt < this.cacheMs) return cached.state;
    if (this.accounts.size >= 10_000) {
      for (const [key, value] of this.accounts) if (now - value.fetchedAt >= this.cacheMs) this.accounts.delete(key);
    }
    const state = this.fetchAccount(uid);
    this.accounts.set(uid, { state, fetchedAt: now });
    // A failed lookup is not cached: the next request asks again.
    state.catch(() => this.accounts.delete(uid));
    return state;
  }

  private async fetchAccount(uid: string): Promise<AccountState> {
    let user: Awaited<ReturnType<AccountLookup>>;
    try {
      user = await withDeadline(() => this.lookup(uid), LOOKUP_DEADLINE_MS, "the identity service");
    } catch (error) {
      if (error instanceof AppError) throw error;
      if ((error as { code?: string }).code === "auth/user-not-found") {
        throw new AppError("TOKEN_REVOKED", "the account has been deleted", { cause: error });
      }
      throw error;
    }
    const validAfter = user.tokensValidAfterTime ? Date.parse(user.tokensValidAfterTime) : 0;
    return {
      disabled: user.disabled,
      validSinceMs: Number.isNaN(validAfter) ? 0 : Math.floor(validAfter / 1000) * 1000,
    };
  }
}
