// One way to call Google's REST APIs for every check: JSON in, status and JSON out, credentials
// from Application Default Credentials (or none, for the local platform).
import { GoogleAuth } from "google-auth-library";
import { CLOUD_PLATFORM_SCOPE } from "./google-endpoints.ts";

export interface GoogleAnswer {
  status: number;
  body: unknown;
}

export type GoogleCall = (method: "GET" | "POST", url: string, body?: unknown) => Promise<GoogleAnswer>;

/** Calls with the headers `authorize` gives (Authorization, and x-goog-user-project for user credentials). */
export function httpCall(authorize: (url: string) => Promise<Headers> = async () => new Headers()): GoogleCall {
  return async (method, url, body) => {
    const headers = await authorize(url);
    if (body !== undefined) headers.set("content-type", "application/json");
    const response = await fetch(url, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // Not JSON (an HTML error page): keep the text for the message.
    }
    return { status: response.status, body: parsed };
  };
}

/**
 * Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default
 * login` (whose quota project google-auth-library sends as x-goog-user-project), or the metadata server.
 */
export function adcCall(): GoogleCall {
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
  return httpCall((url) => auth.getRequestHeaders(url));
}

interface GoogleErrorBody {
  error?: { code?: number; status?: string; message?: string; details?: Array<{ reason?: string }> };
}

/** Google's own words for a failed call: `403 PERMISSION_DENIED: …`. */
export function googleError(answer: GoogleAnswer): string {
  const error = (answer.body as GoogleErrorBody | null)?.error;
  if (!error) return `HTTP ${answer.status}`;
  return `${answer.status} ${error.status ?? ""}: ${error.message ?? ""}`.replace(/ :/, ":").trim();
}

/** The `reason` of an ErrorInfo detail, e.g. SERVICE_DISABLED. */
export function googleReason(answer: GoogleAnswer): string | undefined {
  return (answer.body as GoogleErrorBody | null)?.error?.details?.find((d) => d.reason)?.reason;
}
