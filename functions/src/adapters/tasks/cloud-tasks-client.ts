// The one Cloud Tasks client module: builds a CloudTasksClient for production (Application Default
// Credentials) or for a local server speaking the Cloud Tasks v2 REST API.
import type { CloudTasksClient } from "@google-cloud/tasks";
import { OAuth2Client } from "google-auth-library";

export interface CloudTasksClientOptions {
  /** `host:port` of a local Cloud Tasks v2 REST server (tests, the local platform); unset in production. */
  localEndpoint?: string;
}

/** Parses `host:port`; the config schema already checked the shape, this names the value if not. */
export function parseEndpoint(endpoint: string): { host: string; port: number } {
  const separator = endpoint.lastIndexOf(":");
  const host = endpoint.slice(0, separator);
  const port = Number(endpoint.slice(separator + 1));
  if (separator <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new Error(`Cloud Tasks endpoint "${endpoint}" is not host:port`);
  }
  return { host, port };
}

/**
 * Always the REST fallback transport (`fallback: true`), never gRPC: it loads less at cold start
 * (no grpc-js channel or proto loading on the request path) and it is the SAME code path locally and
 * in the cloud, so what the tests exercise against the local server is what production runs.
 */
export async function createCloudTasksClient(options: CloudTasksClientOptions = {}): Promise<CloudTasksClient> {
  // Imported on first use: the SDK is external to the bundles (it reads its JSON client config from
  // its package folder), and a static import would load it at every cold start, used or not.
  const { CloudTasksClient } = await import("@google-cloud/tasks");
  if (!options.localEndpoint) return new CloudTasksClient({ fallback: true });
  const { host, port } = parseEndpoint(options.localEndpoint);
  // The SDK insists on a real google-auth-library client; a static token keeps it off the metadata
  // server and Google's token endpoint. The local server ignores the token.
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "local-cloud-tasks", expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
  return new CloudTasksClient({ fallback: true, protocol: "http", apiEndpoint: host, port, authClient });
}
