// The one mapper from errors to HTTP answers: AppError keeps its code and status, zod issues become
// INVALID_ARGUMENT naming the field, anything else is a 500 whose details stay in the logs.
import { ZodError } from "zod";
import { AppError } from "../../domain/errors.ts";
import type { HttpAnswer } from "./http-types.ts";

export function errorAnswer(error: unknown, logUnexpected: (error: unknown) => void): HttpAnswer {
  if (error instanceof ZodError) return fromZod(error);
  if (error instanceof AppError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } },
      ...(error.retryAfterSeconds !== undefined ? { headers: { "Retry-After": String(error.retryAfterSeconds) } } : {}),
    };
  }
  logUnexpected(error);
  return { status: 500, body: { error: { code: "INTERNAL", message: "internal error" } } };
}

function fromZod(error: ZodError): HttpAnswer {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : undefined;
  const keys = issue?.code === "unrecognized_keys" ? issue.keys : [];
  const named = keys.length > 0 ? keys.join(".") : field;
  const message = issue ? `${named ?? "body"}: ${issue.message}` : "the request is invalid";
  return {
    status: 400,
    body: { error: { code: "INVALID_ARGUMENT", message, ...(named ? { field: named } : {}) } },
  };
}
