// IdentityVerifier on firebase-admin: verifies the Firebase ID token's signature, issuer, audience
// and expiry, and maps the SDK's error codes to this API's stable ones. (The SDK reports most
// verification failures — bad signature, audience, issuer, kid, malformed JWT — as
// `auth/argument-error`; they all become TOKEN_INVALID.)
import type { Auth } from "firebase-admin/auth";
import { documentIdProblem } from "../../domain/document-ids.ts";
import { AppError, type ErrorCode } from "../../domain/errors.ts";
import type { IdentityVerifier, VerifiedUser } from "../../ports/index.ts";

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

  /** `auth` is a thunk so the SDK is created on first use, not at cold start. */
  constructor(auth: () => Auth) {
    this.auth = auth;
  }

  async verify(idToken: string): Promise<VerifiedUser> {
    let uid: string;
    try {
      uid = (await this.auth().verifyIdToken(idToken)).uid;
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
    return { uid };
  }
}
