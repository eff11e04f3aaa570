// The one Cloud Tasks client module: a REST client authorized with Application Default Credentials
// in production, or pointed at a local server speaking the Cloud Tasks v2 REST API.
import { GoogleAuth, OAuth2Client } from "google-auth-library";
import { CloudTasksRestClient } from "./cloud-tasks-rest.ts";

/** Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks/create (service endpoint) */
const CLOUD_TASKS_URL = "https://cloudtasks.googleapis.com";
/**
 * CreateTask accepts cloud-platform or cloud-tasks; cloud-platform is what the gax client asked for.
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks/create (Authorization scopes)
 */
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

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
 * The same request code locally and in the cloud; only the base URL and the credentials differ, so
 * what the tests exercise against the local server is what production sends.
 */
export function createCloudTasksClient(options: CloudTasksClientOptions = {}): CloudTasksRestClient {
  if (!options.localEndpoint) {
    return new CloudTasksRestClient({ baseUrl: CLOUD_TASKS_URL, auth: new GoogleAuth({ scopes: [SCOPE] }) });
  }
  const { host, port } = parseEndpoint(options.localEndpoint);
  // A static token keeps the local path off the metadata server and Google's token endpoint while
  // the request still goes through the same authorizer call; the local server ignores the token.
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: "local-cloud-tasks", expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
  return new CloudTasksRestClient({ baseUrl: `http://${host}:${port}`, auth });
}
