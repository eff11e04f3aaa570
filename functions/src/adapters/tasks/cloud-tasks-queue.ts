// TaskQueue on Cloud Tasks: one HTTP task per job, named after it so Cloud Tasks deduplicates,
// POSTed to the queue's worker with an OIDC token for the tasks invoker identity.

import type { QueueName } from "@genai-platform/definition";
import type { QueueTarget } from "@genai-platform/definition/runtime-config";
import type { CloudTasksClient } from "@google-cloud/tasks";
import type { TaskQueue, TaskRequest } from "../../ports/index.ts";

/**
 * gRPC status ALREADY_EXISTS, which the REST transport maps an HTTP 409 to: a task name used in the
 * last hour or so. Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks/create
 */
const ALREADY_EXISTS = 6;
/** HttpMethod.POST in the Cloud Tasks v2 API. Source: https://cloud.google.com/tasks/docs/reference/rest/v2/HttpMethod */
const HTTP_POST = 1;

export interface CloudTasksQueueOptions {
  client: Pick<CloudTasksClient, "createTask">;
  /** Where each queue lives and which worker drains it; only the queues this function enqueues on. */
  queues: Partial<Record<QueueName, QueueTarget>>;
  /** Service account Cloud Tasks signs worker calls as (the workers only admit this identity). */
  invokerEmail: string;
  /** Per-attempt deadline of the worker call; Cloud Tasks' default (10 min) when unset. */
  dispatchDeadlineSeconds?: number;
  /** Deadline of the CreateTask call itself, so a hung Cloud Tasks cannot hold a request. Default 10 s. */
  timeoutMs?: number;
}

export class CloudTasksQueue implements TaskQueue {
  private readonly options: CloudTasksQueueOptions;

  constructor(options: CloudTasksQueueOptions) {
    this.options = options;
  }

  async enqueue(queue: QueueName, task: TaskRequest): Promise<"created" | "exists"> {
    const target = this.options.queues[queue];
    if (!target) throw new Error(`queue "${queue}" is not configured for this function`);
    const scheduleTime = task.scheduleTime?.getTime();
    try {
      await this.options.client.createTask(
        {
          parent: target.path,
          task: {
            name: `${target.path}/tasks/${task.taskId}`,
            httpRequest: {
              url: target.workerUrl,
              httpMethod: HTTP_POST,
              headers: { "Content-Type": "application/json" },
              body: Buffer.from(JSON.stringify(task.payload)),
              oidcToken: { serviceAccountEmail: this.options.invokerEmail, audience: target.workerUrl },
            },
            ...(scheduleTime === undefined
              ? {}
              : { scheduleTime: { seconds: Math.floor(scheduleTime / 1000), nanos: (scheduleTime % 1000) * 1e6 } }),
            ...(this.options.dispatchDeadlineSeconds === undefined
              ? {}
              : { dispatchDeadline: { seconds: this.options.dispatchDeadlineSeconds } }),
          },
        },
        { timeout: this.options.timeoutMs ?? 10_000 },
      );
      return "created";
    } catch (error) {
      // A task of this name exists or existed within the last hour: the job is already enqueued.
      if ((error as { code?: unknown }).code === ALREADY_EXISTS) return "exists";
      throw error;
    }
  }
}
