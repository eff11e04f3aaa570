// LOCAL ONLY: the OIDC tokens the local Cloud Tasks server attaches to worker calls, and their check
// by the local function host, which plays Cloud Run's part for an internal service. Tokens are
// RS256-signed by a key made at start, with the claims Google's tokens for a service account carry,
// so a wrong audience or identity is refused here as Cloud Run refuses it.
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from "jose";

export interface LocalOidcClaims {
  email: string;
  aud: string;
  /** Seconds since the epoch; defaults to now. */
  iat?: number;
  /** Lifetime in seconds from `iat`. Default one hour, as Google's ID tokens. */
  lifetimeSeconds?: number;
}

/** Google signs service-account ID tokens as this issuer. Source: https://cloud.google.com/docs/authentication/token-types#id */
export const GOOGLE_ISSUER = "https://accounts.google.com";

export interface LocalOidcIssuer {
  sign(claims: LocalOidcClaims): Promise<string>;
  /** The public key a verifier needs (with its `kid`). */
  publicJwk: JWK;
}

export async function createLocalOidcIssuer(): Promise<LocalOidcIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = `local-${Date.now().toString(36)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return {
    publicJwk,
    sign: async (claims) => {
      const iat = claims.iat ?? Math.floor(Date.now() / 1000);
      return new SignJWT({ email: claims.email, email_verified: true, azp: claims.email })
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .setIssuer(GOOGLE_ISSUER)
        .setAudience(claims.aud)
        .setSubject(claims.email)
        .setIssuedAt(iat)
        .setExpirationTime(iat + (claims.lifetimeSeconds ?? 3600))
        .sign(privateKey);
    },
  };
}

/** What the host expects of a worker request: Cloud Run's own checks for an internal service. */
export interface WorkerAuthPolicy {
  publicJwk: JWK;
  /** The worker's service URL: the only audience accepted. */
  audience: string;
  /** The one identity granted roles/run.invoker on the worker (the tasks invoker). */
  invokerEmail: string;
}

export type WorkerAuthResult = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/**
 * Cloud Run answers 401 to a request without a valid token for the service (missing, badly signed,
 * expired, or for another audience) and 403 to a valid token of an identity that may not invoke it.
 * Source: https://cloud.google.com/run/docs/authenticating/service-to-service and
 * https://cloud.google.com/run/docs/troubleshooting#unauthorized-client
 */
export async function checkWorkerRequest(
  authorization: string | undefined,
  policy: WorkerAuthPolicy,
): Promise<WorkerAuthResult> {
  const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  if (!token) return { ok: false, status: 401, reason: "no bearer token" };
  let email: unknown;
  try {
    const key = await importJWK(policy.publicJwk, "RS256");
    const { payload } = await jwtVerify(token, key, {
      issuer: GOOGLE_ISSUER,
      audience: policy.audience,
      algorithms: ["RS256"],
    });
    email = payload.email;
  } catch (error) {
    return { ok: false, status: 401, reason: `token refused: ${(error as Error).message}` };
  }
  if (email !== policy.invokerEmail) {
    return { ok: false, status: 403, reason: `${String(email)} may not invoke this service` };
  }
  return { ok: true };
}

/** Reads the claims of a token without verifying anything (tests). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (payload === undefined) throw new Error("not a JWT");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}
