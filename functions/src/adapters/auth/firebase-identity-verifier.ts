// IdentityVerifier: verifies the Firebase ID token with jose against Google's published keys
// (firebase-id-token.ts, the checks firebase-admin's verifyIdToken makes, without loading the SDK at
// cold start), and maps failures to this API's stable codes (bad signature, audience, issuer, kid,
// malformed JWT all become TOKEN_INVALID). On request it also checks that the account is neither
// disabled nor had its sessions revoked, the check `verifyIdToken(token, true)` makes, through
// firebase-admin's getUser loaded on first use, with the lookup cached per uid for a short while.
// With FIREBASE_AUTH_EMULATOR_HOST set (local only) it keeps firebase-admin's emulator semantics:
// unsigned tokens, and the account looked up on every verification.
import type { Auth } from "firebase-admin/auth";
import { documentIdProblem } from "../../domain/document-ids.ts";
import { AppError, type ErrorCode } from "../../domain/errors.ts";
import type { IdentityVerifier, VerifiedUser, VerifyOptions } from "../../ports/index.ts";
import { withDeadline } from "../system/deadline.ts";
import { type DecodedIdToken, FirebaseIdTokenChecker } from "./firebase-id-token.ts";

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
  /** Default: the project of the `auth` thunk's app. */
  projectId?: string;
  /** Where Google's keys are fetched; only the local platform's tests point it elsewhere. */
  certsUrl?: string;
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
  private readonly auth: () => Auth | Promise<Auth>;
  private readonly options: FirebaseIdentityVerifierOptions;
  private checker: Promise<FirebaseIdTokenChecker> | undefined;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private readonly accounts = new Map<string, { state: Promise<AccountState>; fetchedAt: number }>();
  private readonly lookup: AccountLookup;

  /** `auth` is a thunk so the SDK is loaded on the first account lookup, not at cold start. */
  constructor(auth: () => Auth | Promise<Auth>, options: FirebaseIdentityVerifierOptions = {}) {
    this.auth = auth;
    this.options = options;
    this.cacheMs = options.revocationCacheMs ?? REVOCATION_CACHE_MS;
    this.now = options.now ?? Date.now;
    this.lookup = options.lookup ?? (async (uid) => (await this.auth()).getUser(uid));
  }

  async verify(idToken: string, options: VerifyOptions = {}): Promise<VerifiedUser> {
    const emulator = Boolean(process.env.FIREBASE_AUTH_EMULATOR_HOST);
    let decoded: DecodedIdToken;
    try {
      decoded = await (await this.tokenChecker(emulator)).check(idToken);
      // firebase-admin looks the account up on every emulator verification, disabled or not.
      if (emulator) {
        const user = await this.lookup(decoded.uid);
        if (user.disabled) throw Object.assign(new Error("disabled"), { code: "auth/user-disabled" });
      }
    } catch (error) {
      const known = CODES[(error as { code?: string }).code ?? ""];
      throw new AppError(known?.code ?? "TOKEN_INVALID", known?.message ?? "the ID token is not valid", {
        cause: error,
      });
    }
    // A signed token can still carry a uid no document path can hold (Firebase allows any 1-128
    // characters): refused before any path is built from it.
    const { uid, authTime } = decoded;
    const problem = documentIdProblem(uid);
    if (problem) throw new AppError("INVALID_ARGUMENT", `the token's uid ${problem}`, { field: "uid" });
    if (options.checkRevoked) {
      const account = await this.account(uid);
      if (account.disabled) throw new AppError("TOKEN_REVOKED", "the account is disabled");
      if (authTime * 1000 < account.validSinceMs) throw new AppError("TOKEN_REVOKED", "the ID token has been revoked");
    }
    return { uid, signInProvider: decoded.signInProvider, emailVerified: decoded.emailVerified };
  }

  /** One checker per verifier: it holds the key cache. */
  private tokenChecker(emulator: boolean): Promise<FirebaseIdTokenChecker> {
    this.checker ??= (async () => {
      const projectId = this.options.projectId ?? (await this.auth()).app.options.projectId;
      if (!projectId) throw new Error("the project id for ID token verification is unknown");
      return new FirebaseIdTokenChecker({
        projectId,
        emulator,
        now: this.now,
        ...(this.options.certsUrl ? { certsUrl: this.options.certsUrl } : {}),
      });
    })();
    return this.checker;
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
