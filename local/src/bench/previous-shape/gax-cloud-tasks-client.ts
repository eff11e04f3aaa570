// The previous bundle shape's Cloud Tasks client, for the cold-start benchmark only: it stands in
// for functions/src/adapters/tasks/cloud-tasks-client.ts at build time and enqueues through the
// @google-cloud/tasks library (gax, REST fallback) as the deployables did before the REST client.
import type { CloudTasksClientOptions } from "@genai-platform/functions/adapters/tasks/cloud-tasks-client.ts";
import type { CreateTaskClient, HttpTask } from "@genai-platform/functions/adapters/tasks/cloud-tasks-rest.ts";
import type { CloudTasksClient } from "@google-cloud/tasks";
import { OAuth2Client } from "google-auth-library";

export function createCloudTasksClient(options: CloudTasksClientOptions = {}): CreateTaskClient {
  let client: Promise<CloudTasksClient> | undefined;
  // Loaded on first use, as the previous client module did: the library stayed external to the bundle.
  const load = async () => {
    const { CloudTasksClient } = await import("@google-cloud/tasks");
    if (!options.localEndpoint) return new CloudTasksClient({ fallback: true });
    // As before: the library insists on a real google-auth-library client, and a static token keeps it
    // off the metadata server. (Not local/src/tasks/gax-tasks-client.ts: this file alone is bundled.)
    const separator = options.localEndpoint.lastIndexOf(":");
    const host = options.localEndpoint.slice(0, separator);
    const port = Number(options.localEndpoint.slice(separator + 1));
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: "local-cloud-tasks", expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
    return new CloudTasksClient({ fallback: true, protocol: "http", apiEndpoint: host, port, authClient });
  };
  return {
    async createTask(parent: string, task: HttpTask, { timeoutMs }: { timeoutMs: number }) {
      client ??= load();
      const { httpRequest } = task;
      const schedule = task.scheduleTime === undefined ? undefined : Date.parse(task.scheduleTime);
      const [created] = await (await client).createTask(
        {
          parent,
          task: {
            name: task.name,
            httpRequest: { ...httpRequest, body: Buffer.from(httpRequest.body, "base64") },
            ...(schedule === undefined
              ? {}
              : { scheduleTime: { seconds: Math.floor(schedule / 1000), nanos: (schedule % 1000) * 1e6 } }),
            ...(task.dispatchDeadline === undefined
              ? {}
              : { dispatchDeadline: { seconds: Number.parseInt(task.dispatchDeadline, 10) } }),
          },
        },
        { timeout: timeoutMs },
      );
      return created;
    },
  };
}
