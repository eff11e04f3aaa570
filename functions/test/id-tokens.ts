// Firebase ID tokens the production verifier accepts, offline: an RSA key of our own, its public
// key served at Google's certificate URL (intercepted with nock), and RS256 tokens signed with it.
// firebase-admin runs its real verification (signature, kid, iss, aud, exp) against them.
//
// nock intercepts at the socket level, which also breaks the Firestore client's HTTP/2 channel to
// the emulator. So it is loaded only here, active only while a warm-up verification fetches and
// caches the certificates (firebase-admin keeps them for the max-age served), then switched off.
import { exportSPKI, generateKeyPair, SignJWT } from "jose";

const CERT_HOST = "https://www.googleapis.com";
const CERT_PATH = "/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com";
const KID = "local-test-key";

export interface TokenOptions {
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  kid?: string;
  /** When the user signed in (seconds since the epoch); default 10 s ago. */
  authTime?: number;
  /** Sign with a key Google's certificates do not list. */
  foreignKey?: boolean;
  /** `firebase.sign_in_provider`; default "custom". */
  signInProvider?: string;
  /** `email_verified`; absent unless given. */
  emailVerified?: boolean;
}

export interface IdTokens {
  projectId: string;
  token(uid: string, options?: TokenOptions): Promise<string>;
}

/** `warmUp` must verify the token it is given with the verifier under test (it caches the keys). */
export async function startIdTokens(projectId: string, warmUp: (token: string) => Promise<unknown>): Promise<IdTokens> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const foreign = await generateKeyPair("RS256");
  const pem = await exportSPKI(publicKey);
  const { default: nock } = await import("nock");
  if (!nock.isActive()) nock.activate();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  nock(CERT_HOST)
    .get(CERT_PATH)
    .reply(200, { [KID]: pem }, { "cache-control": "public, max-age=3600" });

  const tokens: IdTokens = {
    projectId,
    async token(uid, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        auth_time: options.authTime ?? now - 10,
        firebase: { sign_in_provider: options.signInProvider ?? "custom", identities: {} },
        ...(options.emailVerified === undefined ? {} : { email_verified: options.emailVerified }),
      })
        .setProtectedHeader({ alg: "RS256", kid: options.kid ?? KID, typ: "JWT" })
        .setIssuer(options.issuer ?? `https://securetoken.google.com/${projectId}`)
        .setAudience(options.audience ?? projectId)
        .setSubject(uid)
        .setIssuedAt(now - 10)
        .setExpirationTime(now + (options.expiresIn ?? 3600))
        .sign(options.foreignKey ? foreign.privateKey : privateKey);
    },
  };
  try {
    await warmUp(await tokens.token("warm-up"));
  } finally {
    nock.cleanAll();
    nock.restore();
  }
  return tokens;
}
