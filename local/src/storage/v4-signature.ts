// Checks a V4 signed URL the way Cloud Storage's XML API does: rebuild the canonical request and
// the string to sign (https://cloud.google.com/storage/docs/authentication/canonical-requests),
// verify the RSA-SHA256 signature with the signer's public key, then the expiry.
import { createHash, type KeyObject, verify } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export interface SignedRequest {
  method: string;
  /** Bucket and object name, decoded. */
  bucket: string;
  object: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface SignatureKey {
  clientEmail: string;
  publicKey: KeyObject;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; status: 400 | 403; code: string; message: string; details: string };

// V4 signing with a service account key; a signed URL lives at most 7 days (604,800 s).
// Source: https://cloud.google.com/storage/docs/access-control/signed-urls#signing-resumable
const ALGORITHM = "GOOG4-RSA-SHA256";
const MAX_EXPIRES_SECONDS = 7 * 24 * 60 * 60;

/** Percent-encodes everything except `A-Z a-z 0-9 - . _ ~` (RFC 3986 unreserved), as the signer does. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalRequest(request: SignedRequest, signedHeaders: string[]): string {
  const path = `/${request.bucket}/${request.object.split("/").map(encodeRfc3986).join("/")}`;
  const query = [...request.query.entries()]
    .filter(([key]) => key !== "X-Goog-Signature")
    .map(([key, value]) => [encodeRfc3986(key), encodeRfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const headers = signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}\n`).join("");
  return [request.method, path, query, headers, signedHeaders.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const raw = headers[name];
  let value = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  // The storage SDK signs the endpoint's hostname without its port; Google's endpoint never has one.
  if (name === "host") value = value.replace(/:\d+$/, "");
  return value.trim().replace(/\s{2,}/g, " ");
}

/** Parses `YYYYMMDDTHHMMSSZ`. */
function parseGoogDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

const invalid = (details: string): SignatureCheck => ({
  ok: false,
  status: 400,
  code: "InvalidArgument",
  message: "Invalid argument.",
  details,
});

export function checkV4Signature(request: SignedRequest, key: SignatureKey, now: Date): SignatureCheck {
  const q = request.query;
  const algorithm = q.get("X-Goog-Algorithm");
  const credential = q.get("X-Goog-Credential");
  const date = q.get("X-Goog-Date");
  const expires = q.get("X-Goog-Expires");
  const signedHeaderList = q.get("X-Goog-SignedHeaders");
  const signature = q.get("X-Goog-Signature");
  if (algorithm !== ALGORITHM) return invalid(`X-Goog-Algorithm must be ${ALGORITHM}`);
  if (!credential || !date || !expires || !signedHeaderList || !signature) {
    return invalid("a signed URL needs X-Goog-Credential, -Date, -Expires, -SignedHeaders and -Signature");
  }
  const start = parseGoogDate(date);
  if (!start) return invalid("X-Goog-Date is not YYYYMMDD'T'HHMMSS'Z'");
  const lifetime = Number(expires);
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_EXPIRES_SECONDS) {
    return invalid(`X-Goog-Expires must be an integer between 1 and ${MAX_EXPIRES_SECONDS}`);
  }
  const slash = credential.indexOf("/");
  const email = credential.slice(0, slash);
  const scope = credential.slice(slash + 1);
  const signedHeaders = signedHeaderList.split(";");
  if (!signedHeaders.includes("host")) return invalid("X-Goog-SignedHeaders must include host");

  const canonical = canonicalRequest(request, signedHeaders);
  const stringToSign = [ALGORITHM, date, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  const signatureBytes = /^(?:[0-9a-f]{2})+$/i.test(signature) ? Buffer.from(signature, "hex") : Buffer.alloc(0);
  const valid =
    slash > 0 &&
    email === key.clientEmail &&
    signatureBytes.length > 0 &&
    verify("RSA-SHA256", Buffer.from(stringToSign), key.publicKey, signatureBytes);
  if (!valid) {
    return {
      ok: false,
      status: 403,
      code: "SignatureDoesNotMatch",
      message: "Access denied.",
      details: `The request signature we calculated does not match the signature you provided.\nStringToSign:\n${stringToSign}\nCanonicalRequest:\n${canonical}`,
    };
  }
  const expiresAt = start.getTime() + lifetime * 1000;
  if (now.getTime() > expiresAt) {
    return {
      ok: false,
      status: 400,
      code: "ExpiredToken",
      message: "Invalid argument.",
      details: `Request has expired: ${Math.floor(expiresAt / 1000)}`,
    };
  }
  return { ok: true };
}
