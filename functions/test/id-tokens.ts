// Firebase ID tokens the production verifier accepts, offline: an RSA key of our own, its public
// key served at Google's certificate URL (intercepted with nock), and RS256 tokens signed with it.
// firebase-admin runs its real verification (signature, kid, iss, aud, exp) against them.
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import nock from "nock";

const CERT_HOST = "https://www.googleapis.com";
const CERT_PATH = "/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com";
const KID = "local-test-key";

export interface TokenOptions {
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  kid?: string;
  /** Sign with a key Google's certificates do not list. */
  foreignKey?: boolean;
}

export interface IdTokens {
  projectId: string;
  token(uid: string, options?: TokenOptions): Promise<string>;
  stop(): void;
}

export async function startIdTokens(projectId: string): Promise<IdTokens> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const foreign = await generateKeyPair("RS256");
  const pem = await exportSPKI(publicKey);
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  const scope = nock(CERT_HOST)
    .persist()
    .get(CERT_PATH)
    .reply(200, { [KID]: pem }, { "cache-control": "public, max-age=3600" });

  return {
    projectId,
    async token(uid, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ auth_time: now - 10, firebase: { sign_in_provider: "custom", identities: {} } })
        .setProtectedHeader({ alg: "RS256", kid: options.kid ?? KID, typ: "JWT" })
        .setIssuer(options.issuer ?? `https://securetoken.google.com/${projectId}`)
        .setAudience(options.audience ?? projectId)
        .setSubject(uid)
        .setIssuedAt(now - 10)
        .setExpirationTime(now + (options.expiresIn ?? 3600))
        .sign(options.foreignKey ? foreign.privateKey : privateKey);
    },
    stop() {
      scope.persist(false);
      nock.cleanAll();
    },
  };
}
