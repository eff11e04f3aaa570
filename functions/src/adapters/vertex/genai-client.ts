// The one @google/genai client module: Vertex AI with Application Default Credentials in production,
// or a local stand-in (tests, the local platform) reached with a static token and no auth traffic.
import { GoogleGenAI, type GoogleGenAIOptions } from "@google/genai";
import { OAuth2Client } from "google-auth-library";

export interface GenAiClientOptions {
  project: string;
  /** Vertex AI location (`global` for the Gemini 3 previews). */
  location: string;
  /** A local server speaking the Vertex AI REST API; unset in production. */
  baseUrl?: string;
}

type GenAiAuthClient = NonNullable<GoogleGenAIOptions["googleAuthOptions"]>["authClient"];

/** The bearer token sent to a local stand-in; it checks nothing, so the value only marks the traffic. */
export const LOCAL_ACCESS_TOKEN = "local-stand-in-token";

/**
 * An auth client that already holds a token valid for a day, so google-auth-library never refreshes
 * it (no metadata server probe, no token endpoint).
 */
export function staticAuthClient(token = LOCAL_ACCESS_TOKEN): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 24 * 60 * 60 * 1000 });
  return client;
}

/**
 * Builds the client. The SDK does not retry unless `httpOptions.retryOptions` is set, and we leave it
 * unset on purpose: Cloud Tasks owns retries (with backoff across deliveries), so a retry here would
 * multiply load on a model that is already answering 429.
 */
export function createGenAi(options: GenAiClientOptions): GoogleGenAI {
  if (options.baseUrl) {
    return new GoogleGenAI({
      vertexai: true,
      project: options.project,
      location: options.location,
      httpOptions: { baseUrl: options.baseUrl },
      // @google/genai pins google-auth-library 10 while the project uses 11: the client classes differ
      // only in type identity; the SDK just calls getRequestHeaders() on it.
      googleAuthOptions: { authClient: staticAuthClient() as unknown as GenAiAuthClient },
    });
  }
  return new GoogleGenAI({ vertexai: true, project: options.project, location: options.location });
}
