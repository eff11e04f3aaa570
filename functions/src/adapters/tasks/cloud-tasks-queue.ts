// TaskQueue on Cloud Tasks: one HTTP task per job, named after it so Cloud Tasks deduplicates,
// POSTed to the queue's worker with an OIDC token for the tasks invoker identity.

import type { QueueName } from "@genai-platform/definition";
import type { QueueTarget } from "@genai-platform/definition/runtime-config";
import type { TaskQueue, TaskRequest } from "../../ports/index.ts";
import type { CreateTaskClient, HttpTask } from "./cloud-tasks-rest.ts";

/**
 * google.rpc.Code ALREADY_EXISTS (HTTP 409): a task name used in the last hour or so.
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks/create
 */
const ALREADY_EXISTS = 6;

export interface CloudTasksQueueOptions {
  client: CreateTaskClient;
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
    try {
      await this.options.client.createTask(target.path, this.httpTask(target, task), {
        timeoutMs: this.options.timeoutMs ?? 10_000,
      });
      return "created";
    } catch (error) {
      // A task of this name exists or existed within the last hour: the job is already enqueued.
      if ((error as { code?: unknown }).code === ALREADY_EXISTS) return "exists";
      throw error;
    }
  }

  /** Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks#HttpRequest */
  private httpTask(target: QueueTarget, task: TaskRequest): HttpTask {
    const deadline = this.options.dispatchDeadlineSeconds;
    return {
      name: `${target.path}/tasks/${task.taskId}`,
      httpRequest: {
        url: target.workerUrl,
        httpMethod: "POST",
        headers: { "Content-Type": "application/json" },
        body: Buffer.from(JSON.stringify(task.payload)).toString("base64"),
        oidcToken: { serviceAccountEmail: this.options.invokerEmail, audience: target.workerUrl },
      },
      ...(task.scheduleTime === undefined ? {} : { scheduleTime: task.scheduleTime.toISOString() }),
      ...(deadline === undefined ? {} : { dispatchDeadline: `${deadline}s` }),
    };
  }
}
