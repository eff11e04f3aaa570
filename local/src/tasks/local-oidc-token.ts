// LOCAL ONLY: the OIDC token the local Cloud Tasks server attaches to worker calls. It is a well-formed
// but unsigned JWT (alg "none"); no production verifier accepts it, and none should.
export interface LocalOidcClaims {
  email: string;
  aud: string;
  /** Seconds since the epoch; defaults to now. */
  iat?: number;
  /** Lifetime in seconds from `iat`. Default one hour, as Google's ID tokens. */
  lifetimeSeconds?: number;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** `header.payload.` with an empty signature, carrying what a worker checks: audience and email. */
export function localOidcToken(claims: LocalOidcClaims): string {
  const iat = claims.iat ?? Math.floor(Date.now() / 1000);
  const payload = {
    iss: "https://accounts.google.com",
    aud: claims.aud,
    azp: claims.email,
    sub: claims.email,
    email: claims.email,
    email_verified: true,
    iat,
    exp: iat + (claims.lifetimeSeconds ?? 3600),
  };
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url(payload)}.`;
}

/** Reads the claims of a token without verifying anything (tests, local workers). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (payload === undefined) throw new Error("not a JWT");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}
