// Reading the parts of a request every endpoint shares: the bearer token, a JSON body checked
// against a zod schema, and the Idempotency-Key header.
import type { z } from "zod";
import { AppError } from "../../domain/errors.ts";
import type { RequestContext } from "./http-types.ts";

export const MAX_JSON_BODY_BYTES = 64 * 1024;

export function bearerToken(ctx: RequestContext): string {
  const header = ctx.header("authorization");
  if (!header) throw new AppError("TOKEN_MISSING", "an Authorization: Bearer <Firebase ID token> header is required");
  const match = header.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) throw new AppError("TOKEN_MALFORMED", "the Authorization header must be `Bearer <ID token>`");
  return match[1];
}

export function jsonBody<S extends z.ZodType>(
  ctx: RequestContext,
  schema: S,
  maxBytes = MAX_JSON_BODY_BYTES,
): z.infer<S> {
  if (ctx.bodyBytes > maxBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", `the body must be at most ${maxBytes} bytes`);
  }
  const type = ctx.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "the body must be JSON (Content-Type: application/json)", {
      field: "Content-Type",
    });
  }
  if (ctx.body === undefined || ctx.body === null || typeof ctx.body !== "object" || Array.isArray(ctx.body)) {
    throw new AppError("INVALID_ARGUMENT", "the body must be a JSON object");
  }
  return schema.parse(ctx.body);
}

/** The header Firebase's App Check SDKs send the token in. */
// Source: https://firebase.google.com/docs/app-check/web/custom-resource
export const APP_CHECK_HEADER = "X-Firebase-AppCheck";

export function appCheckToken(ctx: RequestContext): string | undefined {
  const token = ctx.header(APP_CHECK_HEADER)?.trim();
  return token ? token : undefined;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export function idempotencyKey(ctx: RequestContext): string | undefined {
  const key = ctx.header("idempotency-key");
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new AppError("INVALID_ARGUMENT", "Idempotency-Key must be 8-128 characters of [A-Za-z0-9_.:-]", {
      field: "Idempotency-Key",
    });
  }
  return key;
}
