// Firebase App Check token verification with jose, making every check firebase-admin's
// `getAppCheck().verifyToken()` makes (lib/app-check/token-verifier.js, v14.5): alg RS256, `aud`
// an array naming the project, `iss` App Check's, a non-empty `sub` (the app id), then the
// signature against App Check's JWKS and `exp`. Where the docs are stricter than the SDK, the
// stricter reading is taken (exact issuer with the project number; both audience entries).
// Source: https://github.com/firebase/firebase-admin-node/blob/master/src/app-check/token-verifier.ts
//
// Why not firebase-admin itself: its JWKS URL and App Check API URL are module constants, so
// neither the local platform nor a test process could point it at a stand-in without intercepting
// Google's hosts; and its app-check module would add to every cold start. The `baseUrl` option
// below is set only by the local platform and tests (APP_CHECK_BASE_URL, a local-only variable).
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, type JSONWebKeySet, jwtVerify } from "jose";
import { AppError } from "../../domain/errors.ts";
import { storeUnavailable } from "../system/deadline.ts";

/** Google's App Check service; its JWKS is at `/v1/jwks`. */
// Source: https://firebase.google.com/docs/reference/appcheck/rest/v1/jwks
export const APP_CHECK_API_BASE_URL = "https://firebaseappcheck.googleapis.com";

/** App Check tokens are issued by `https://firebaseappcheck.googleapis.com/<PROJECT_NUMBER>`. */
// Source: https://firebase.google.com/docs/reference/admin/node/firebase-admin.app-check.decodedappchecktoken
export const APP_CHECK_ISSUER_PREFIX = "https://firebaseappcheck.googleapis.com/";

/** "For security, the response must not be cached for longer than six hours." */
// Source: https://firebase.google.com/docs/reference/appcheck/rest/v1/jwks
export const JWKS_MAX_CACHE_MS = 6 * 60 * 60 * 1000;

export interface AppCheckTokenCheckOptions {
  projectId: string;
  projectNumber: string;
  /** A server speaking the App Check API; only the local platform and tests set it. */
  baseUrl?: string;
  now?: () => number;
}

export interface DecodedAppCheckToken {
  /** The `sub` claim: the Firebase app id the token attests. */
  appId: string;
}

const invalid = (message: string, cause?: unknown) =>
  new AppError("APP_CHECK_INVALID", message, { field: "X-Firebase-AppCheck", cause });

/** Verifies App Check tokens for one project; the JWKS is cached per its max-age, at most six hours. */
export class AppCheckTokenChecker {
  private readonly options: AppCheckTokenCheckOptions;
  private readonly jwksUrl: string;
  private readonly now: () => number;
  private cache: { keys: ReturnType<typeof createLocalJWKSet>; expiresAt: number } | undefined;
  private loading: Promise<NonNullable<AppCheckTokenChecker["cache"]>> | undefined;

  constructor(options: AppCheckTokenCheckOptions) {
    this.options = options;
    this.jwksUrl = `${options.baseUrl ?? APP_CHECK_API_BASE_URL}/v1/jwks`;
    this.now = options.now ?? Date.now;
  }

  async check(token: string): Promise<DecodedAppCheckToken> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch (error) {
      throw invalid("the App Check token could not be decoded: send the whole JWT the App Check SDK gave", error);
    }
    this.checkContent(header.alg, claims);
    const keys = await this.keys();
    try {
      await jwtVerify(token, keys, { algorithms: ["RS256"], currentDate: new Date(this.now()) });
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new AppError("APP_CHECK_EXPIRED", "the App Check token has expired; get a fresh one and retry", {
          field: "X-Firebase-AppCheck",
          cause: error,
        });
      }
      if (error instanceof errors.JWKSNoMatchingKey) {
        throw invalid("the App Check token's \"kid\" is not one of App Check's current keys", error);
      }
      throw invalid("the App Check token's signature is not valid", error);
    }
    return { appId: claims.sub as string };
  }

  /** firebase-admin's content checks, in its order, before any key is fetched. */
  private checkContent(alg: unknown, claims: ReturnType<typeof decodeJwt>): void {
    const { projectId, projectNumber } = this.options;
    if (alg !== "RS256") throw invalid(`the App Check token's algorithm is "${String(alg)}", not RS256`);
    // Source (aud is [projects/<number>, projects/<id>]): https://firebase.google.com/docs/reference/admin/node/firebase-admin.app-check.decodedappchecktoken
    const aud = claims.aud;
    if (!Array.isArray(aud) || !aud.includes(`projects/${projectNumber}`) || !aud.includes(`projects/${projectId}`)) {
      throw invalid(`the App Check token's "aud" claim does not name this project (projects/${projectNumber})`);
    }
    // firebase-admin only checks the prefix; the docs name the project number after it, so that is checked too.
    if (claims.iss !== `${APP_CHECK_ISSUER_PREFIX}${projectNumber}`) {
      throw invalid('the App Check token has the wrong "iss" claim');
    }
    if (typeof claims.sub !== "string" || claims.sub === "") {
      throw invalid('the App Check token has no "sub" (app id) claim');
    }
  }

  /** The keys in force; concurrent callers share one fetch, and a failed fetch is not kept. */
  private async keys(): Promise<ReturnType<typeof createLocalJWKSet>> {
    if (this.cache && this.cache.expiresAt > this.now()) return this.cache.keys;
    this.loading ??= this.fetchKeys()
      .then((fetched) => (this.cache = fetched))
      .finally(() => (this.loading = undefined));
    return (await this.loading).keys;
  }

  private async fetchKeys(): Promise<NonNullable<AppCheckTokenChecker["cache"]>> {
    let body: JSONWebKeySet;
    let cacheControl: string;
    try {
      const response = await fetch(this.jwksUrl, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`the App Check JWKS answered ${response.status}`);
      body = (await response.json()) as JSONWebKeySet;
      cacheControl = response.headers.get("cache-control") ?? "";
    } catch (error) {
      throw storeUnavailable(error, "App Check's key service");
    }
    const maxAge = /max-age=(\d+)/.exec(cacheControl)?.[1];
    // No max-age: six hours, as firebase-admin's JwksFetcher caches App Check keys.
    const ttl = Math.min(maxAge ? Number(maxAge) * 1000 : JWKS_MAX_CACHE_MS, JWKS_MAX_CACHE_MS);
    return { keys: createLocalJWKSet(body), expiresAt: this.now() + ttl };
  }
}
