// Firebase ID token verification with jose, as Firebase documents for third-party JWT libraries:
// https://firebase.google.com/docs/auth/admin/verify-id-tokens#verify_id_tokens_using_a_third-party_jwt_library
// It makes every check firebase-admin's verifier makes (alg RS256, a known kid, iss, aud, exp, iat,
// auth_time, sub of 1-128 characters) without loading firebase-admin at cold start. Failures are
// thrown as `{ code }` errors with firebase-admin's codes, so the caller maps both the same way.
import { createPublicKey, type KeyObject } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from "jose";

/** Google's public keys for Firebase ID tokens, as X.509 certificates keyed by kid. */
// Source: https://firebase.google.com/docs/auth/admin/verify-id-tokens#verify_id_tokens_using_a_third-party_jwt_library
export const FIREBASE_ID_TOKEN_CERTS_URL =
  "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com";

export interface DecodedIdToken {
  uid: string;
  /** Seconds since the epoch. */
  authTime: number;
  signInProvider: string;
  emailVerified: boolean;
}

export interface IdTokenCheckOptions {
  projectId: string;
  /** Emulator tokens are unsigned (alg none) and carry no kid, as firebase-admin accepts them. */
  emulator?: boolean;
  certsUrl?: string;
  now?: () => number;
}

class TokenError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const invalid = (message: string) => new TokenError("auth/argument-error", message);

interface CachedKeys {
  keys: Map<string, KeyObject>;
  expiresAt: number;
}

/** Verifies Firebase ID tokens for one project; keys are cached for their Cache-Control max-age. */
export class FirebaseIdTokenChecker {
  private readonly issuer: string;
  private readonly certsUrl: string;
  private readonly now: () => number;
  private cache: CachedKeys | undefined;
  private loading: Promise<CachedKeys> | undefined;

  private readonly options: IdTokenCheckOptions;

  constructor(options: IdTokenCheckOptions) {
    this.options = options;
    this.issuer = `https://securetoken.google.com/${options.projectId}`;
    this.certsUrl = options.certsUrl ?? FIREBASE_ID_TOKEN_CERTS_URL;
    this.now = options.now ?? Date.now;
  }

  async check(token: string): Promise<DecodedIdToken> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch (error) {
      throw Object.assign(invalid("the ID token could not be decoded"), { cause: error });
    }
    if (this.options.emulator) {
      // The emulator signs nothing: firebase-admin requires alg none and an empty signature.
      if (header.alg !== "none" || token.split(".")[2] !== "") throw invalid("the emulator token is not unsigned");
      this.checkClaims(claims);
    } else {
      if (typeof header.kid !== "string") throw invalid('the ID token has no "kid" header');
      if (header.alg !== "RS256") throw invalid(`the ID token's algorithm is ${String(header.alg)}, not RS256`);
      this.checkClaims(claims);
      const key = (await this.keys()).get(header.kid);
      if (!key) throw invalid("the ID token's kid is not one of Google's current keys");
      try {
        await jwtVerify(token, key, { algorithms: ["RS256"], currentDate: new Date(this.now()) });
      } catch (error) {
        if (error instanceof errors.JWTExpired)
          throw new TokenError("auth/id-token-expired", "the ID token has expired");
        throw Object.assign(invalid("the ID token's signature is not valid"), { cause: error });
      }
    }
    const firebase = (claims.firebase ?? {}) as { sign_in_provider?: unknown };
    return {
      uid: claims.sub as string,
      authTime: claims.auth_time as number,
      signInProvider: typeof firebase.sign_in_provider === "string" ? firebase.sign_in_provider : "",
      emailVerified: claims.email_verified === true,
    };
  }

  private checkClaims(claims: JWTPayload): void {
    const nowSeconds = this.now() / 1000;
    if (claims.aud !== this.options.projectId) throw invalid('the ID token has the wrong "aud" claim');
    if (claims.iss !== this.issuer) throw invalid('the ID token has the wrong "iss" claim');
    if (typeof claims.sub !== "string" || claims.sub === "" || claims.sub.length > 128) {
      throw invalid('the ID token\'s "sub" claim is not a string of 1-128 characters');
    }
    if (typeof claims.exp !== "number") throw invalid('the ID token has no "exp" claim');
    if (claims.exp <= nowSeconds) throw new TokenError("auth/id-token-expired", "the ID token has expired");
    if (typeof claims.iat !== "number" || claims.iat > nowSeconds)
      throw invalid('the ID token\'s "iat" is not in the past');
    const authTime = claims.auth_time;
    if (typeof authTime !== "number" || authTime > nowSeconds) {
      throw invalid('the ID token\'s "auth_time" is not in the past');
    }
  }

  /** The keys in force; concurrent callers share one fetch, and a failed fetch is not kept. */
  private async keys(): Promise<CachedKeys["keys"]> {
    if (this.cache && this.cache.expiresAt > this.now()) return this.cache.keys;
    this.loading ??= this.fetchKeys()
      .then((fetched) => (this.cache = fetched))
      .finally(() => (this.loading = undefined));
    return (await this.loading).keys;
  }

  private async fetchKeys(): Promise<CachedKeys> {
    const response = await fetch(this.certsUrl);
    if (!response.ok) throw new Error(`fetching Google's ID token keys answered ${response.status}`);
    const body = (await response.json()) as Record<string, string>;
    const keys = new Map<string, KeyObject>();
    // createPublicKey reads a certificate (what Google serves) and a bare public key alike.
    for (const [kid, pem] of Object.entries(body)) keys.set(kid, createPublicKey(pem));
    // Source (keys valid for the response's max-age): same page as FIREBASE_ID_TOKEN_CERTS_URL.
    const maxAge = /max-age=(\d+)/.exec(response.headers.get("cache-control") ?? "")?.[1];
    return { keys, expiresAt: this.now() + (maxAge ? Number(maxAge) * 1000 : 0) };
  }
}
