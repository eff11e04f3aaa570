// What a person reads when something goes wrong: one sentence per stable error code, with what to
// do next. Codes not listed fall back to the server's own message.
import { ClientError } from "@genai-platform/client";

const MESSAGES: Record<string, (e: ClientError) => string> = {
  QUOTA_EXCEEDED: (e) =>
    `You have used today's free allowance for this.${e.retryAfterSeconds ? ` It resets in ${duration(e.retryAfterSeconds)}.` : ""}`,
  FORBIDDEN: () => "This account may not do that (it may be suspended).",
  SUSPENDED: () => "This account is suspended.",
  APP_CHECK_FAILED: () => "This app could not prove it is genuine (App Check). Reload the page.",
  TOKEN_EXPIRED: () => "Your session has expired. Sign in again.",
  TOKEN_INVALID: (e) => `Your session is no longer valid: ${e.message}`,
  TOKEN_REVOKED: () => "Your session was revoked. Sign in again.",
  TOKEN_MISSING: () => "Sign in first.",
  INVALID_ARGUMENT: (e) => `Check the form: ${e.message}`,
  BUSY: () => "The studio is busy right now. Try again in a moment.",
  UNAVAILABLE: () => "The studio is unavailable right now. Try again in a moment.",
  NETWORK_ERROR: () => "The studio could not be reached. Is the platform running (npm start)?",
  CORS_REFUSED: (e) => `This page's origin is not allowed by the platform. ${e.message}`,
  TIMEOUT: () => "This took too long; the job may still finish later.",
  ABORTED: () => "Stopped.",
};

export function describeError(error: unknown): { code: string; text: string } {
  if (error instanceof ClientError) {
    return { code: error.code, text: MESSAGES[error.code]?.(error) ?? error.message };
  }
  const code = (error as { code?: string } | undefined)?.code;
  if (typeof code === "string" && code.startsWith("auth/")) return { code, text: firebaseAuthMessage(code) };
  return { code: "ERROR", text: error instanceof Error ? error.message : String(error) };
}

function firebaseAuthMessage(code: string): string {
  switch (code) {
    case "auth/invalid-credential":
    case "auth/wrong-password":
    case "auth/user-not-found":
      return "That email and password do not match an account.";
    case "auth/email-already-in-use":
      return "An account with this email exists already: sign in instead.";
    case "auth/weak-password":
      return "Choose a password of at least 6 characters.";
    case "auth/invalid-email":
      return "That email address does not look right.";
    case "auth/network-request-failed":
      return "The sign-in service could not be reached. Is the platform running (npm start)?";
    default:
      return `Sign-in failed (${code}).`;
  }
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.ceil((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}
