// AppCheckVerifier: the token's signature and claims with jose (app-check-token.ts), then, for
// replay protection, the App Check API's verifyAppCheckToken, which marks a token consumed on its
// first call: what firebase-admin's `verifyToken(token, { consume: true })` does, over REST with
// google-auth-library's Application Default Credentials (the function's service account).

import { AppError } from "../../domain/errors.ts";
import type { AppCheckVerifier, AttestedApp } from "../../ports/index.ts";
import { storeUnavailable, withDeadline } from "../system/deadline.ts";
import { APP_CHECK_API_BASE_URL, AppCheckTokenChecker } from "./app-check-token.ts";

/** One verifyAppCheckToken call; past this the request answers 503 UNAVAILABLE (enforce mode). */
const CONSUME_DEADLINE_MS = 5_000;

/**
 * The scopes verifyAppCheckToken accepts (either one).
 * Source: https://firebase.google.com/docs/reference/appcheck/rest/v1beta/projects/verifyAppCheckToken
 */
const SCOPES = ["https://www.googleapis.com/auth/cloud-platform"];

/** The bearer headers of each App Check API call. */
export type RequestHeaders = () => Promise<Headers>;

export interface FirebaseAppCheckVerifierOptions {
  projectId: string;
  projectNumber: string;
  /** A local server speaking the App Check API; unset in production. */
  baseUrl?: string;
  /** Default: Application Default Credentials, or a static token for a local base URL. */
  headers?: RequestHeaders;
  now?: () => number;
}

export class FirebaseAppCheckVerifier implements AppCheckVerifier {
  private readonly checker: AppCheckTokenChecker;
  private readonly consumeUrl: string;
  private readonly headers: RequestHeaders;

  constructor(options: FirebaseAppCheckVerifierOptions) {
    this.checker = new AppCheckTokenChecker(options);
    // Source (POST v1beta/{project=projects/*}:verifyAppCheckToken, project by number): same page as SCOPES.
    this.consumeUrl = `${options.baseUrl ?? APP_CHECK_API_BASE_URL}/v1beta/projects/${options.projectNumber}:verifyAppCheckToken`;
    this.headers = options.headers ?? (options.baseUrl ? localHeaders : applicationDefaultHeaders());
  }

  async verify(token: string, options: { consume: boolean }): Promise<AttestedApp> {
    const { appId } = await this.checker.check(token);
    if (options.consume && (await this.alreadyConsumed(token))) {
      throw new AppError(
        "APP_CHECK_REPLAYED",
        "this App Check token was already used; send a fresh limited-use token",
        {
          field: "X-Firebase-AppCheck",
        },
      );
    }
    return { appId };
  }

  /**
   * 200 `{ alreadyConsumed: true }` for a replay, the field absent on first use; an invalid token
   * answers 403, an unsupported attestation provider 400 (source: same page as SCOPES). Both refuse
   * (a 403 can also be this function lacking firebaseappcheck.appCheckTokens.verify: refused too,
   * the safe side, with Google's message kept as the cause). Anything else means the check could
   * not be made: UNAVAILABLE.
   */
  private async alreadyConsumed(token: string): Promise<boolean> {
    const response = await withDeadline(
      async () =>
        fetch(this.consumeUrl, {
          method: "POST",
          headers: mergeHeaders(await this.headers(), { "Content-Type": "application/json" }),
          body: JSON.stringify({ appCheckToken: token }),
        }),
      CONSUME_DEADLINE_MS,
      "the App Check service",
    ).catch((error: unknown) => {
      throw error instanceof AppError ? error : storeUnavailable(error, "the App Check service");
    });
    const body = (await response.json().catch(() => ({}))) as {
      alreadyConsumed?: unknown;
      error?: { message?: string; status?: string };
    };
    if (response.status === 200) {
      if (body.alreadyConsumed !== undefined && typeof body.alreadyConsumed !== "boolean") {
        throw storeUnavailable(new Error("alreadyConsumed is not a boolean"), "the App Check service");
      }
      return body.alreadyConsumed === true;
    }
    const upstream = new Error(
      `verifyAppCheckToken answered ${response.status} ${body.error?.status ?? ""}: ${body.error?.message ?? ""}`,
    );
    if (response.status === 400 || response.status === 403) {
      throw new AppError("APP_CHECK_INVALID", "the App Check service refused this token", {
        field: "X-Firebase-AppCheck",
        cause: upstream,
      });
    }
    throw storeUnavailable(upstream, "the App Check service");
  }
}

function mergeHeaders(auth: Headers, extra: Record<string, string>): Headers {
  const merged = new Headers(auth);
  for (const [name, value] of Object.entries(extra)) merged.set(name, value);
  return merged;
}

/** The local stand-in checks only that a bearer token is present, as Google requires one. */
const localHeaders: RequestHeaders = async () => new Headers({ Authorization: "Bearer local-stand-in-token" });

/** google-auth-library is loaded on the first consume call, not at cold start. */
function applicationDefaultHeaders(): RequestHeaders {
  let auth: Promise<{ getRequestHeaders(): Promise<Headers> }> | undefined;
  return async () => {
    auth ??= import("google-auth-library").then(({ GoogleAuth }) => new GoogleAuth({ scopes: SCOPES }));
    auth.catch(() => (auth = undefined));
    return (await auth).getRequestHeaders();
  };
}
