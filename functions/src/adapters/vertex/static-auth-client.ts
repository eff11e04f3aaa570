// The auth client every Vertex AI adapter hands a local stand-in. A module of its own so the agent,
// which reaches Vertex through the AI SDK, does not load @google/genai at start just for this.
import { OAuth2Client } from "google-auth-library";

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
