// The official @google-cloud/tasks client (REST fallback transport) pointed at a local Cloud Tasks
// server: how the server is checked against Google's own client library, and what the cold-start
// benchmark's previous bundle shape enqueues with.
import { CloudTasksClient } from "@google-cloud/tasks";
import { OAuth2Client } from "google-auth-library";

/** `endpoint` is `host:port`, the value of CLOUD_TASKS_ENDPOINT. */
export function createGaxTasksClient(endpoint: string): CloudTasksClient {
  const separator = endpoint.lastIndexOf(":");
  const apiEndpoint = endpoint.slice(0, separator);
  const port = Number(endpoint.slice(separator + 1));
  if (separator <= 0 || !Number.isInteger(port)) throw new Error(`Cloud Tasks endpoint "${endpoint}" is not host:port`);
  // The library insists on a real google-auth-library client; a static token keeps it off the
  // metadata server and Google's token endpoint.
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "local-cloud-tasks", expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
  return new CloudTasksClient({ fallback: true, protocol: "http", apiEndpoint, port, authClient });
}
