// The one @google/genai client module: Vertex AI with Application Default Credentials in production,
// or a local stand-in (tests, the local platform) reached with a static token and no auth traffic.
import { GoogleGenAI, type GoogleGenAIOptions } from "@google/genai";
import { staticAuthClient } from "./static-auth-client.ts";

export { LOCAL_ACCESS_TOKEN, staticAuthClient } from "./static-auth-client.ts";

export interface GenAiClientOptions {
  project: string;
  /** Vertex AI location (`global` for the Gemini 3 previews). */
  location: string;
  /** A local server speaking the Vertex AI REST API; unset in production. */
  baseUrl?: string;
}

type GenAiAuthClient = NonNullable<GoogleGenAIOptions["googleAuthOptions"]>["authClient"];

/**
 * Builds the client. The SDK does not retry unless `httpOptions.retryOptions` is set, and we leave it
 * unset on purpose: Cloud Tasks owns retries (with backoff across deliveries), so a retry here would
 * multiply load on a model that is already answering 429. Measured in the 1,000-user herd: retrying
 * a 429 twice within the call (the shape Vertex AI's error table suggests) raised the model's 429s
 * from about 50 to 474 and left the makespan where it was (73 s against 72-77 s), because at the
 * queue's provisioned rate there is no spare capacity for a retry to use.
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
