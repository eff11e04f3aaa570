// Wraps a worker as a functions-framework HTTP function that accepts only Cloud Tasks deliveries
// of its own queues (in production ingress and IAM enforce this too), parses the task payload, and
// turns the use case's outcome into the status Cloud Tasks acts on: 2xx acknowledges, else retry.
import { randomUUID } from "node:crypto";
import { type TaskPayload, taskPayloadSchema } from "@genai-platform/client/api";
import type { QueueDefinition } from "@genai-platform/definition";
import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import { AppError } from "../../domain/errors.ts";
import type { Delivery, TaskOutcome } from "../../domain/job-lifecycle.ts";
import { traceIdOf } from "../logging/cloud-logging-event-log.ts";
import { errorAnswer } from "./error-answer.ts";

export interface TaskWorker {
  /** The queues the worker drains; a delivery names its queue in X-CloudTasks-QueueName. */
  queues: readonly QueueDefinition[];
  /** The payload steps each queue may carry; a step arriving on another queue is refused untouched. */
  steps?: Readonly<Record<string, readonly TaskPayload["step"][]>>;
  run(payload: TaskPayload, delivery: Delivery): Promise<TaskOutcome>;
  logError?: (error: unknown) => void;
}

export function taskFunction(worker: TaskWorker): HttpFunction {
  const logError =
    worker.logError ??
    ((error: unknown) => console.error(JSON.stringify({ severity: "ERROR", message: `worker: ${String(error)}` })));
  return async (req: Request, res: Response) => {
    try {
      if (req.method !== "POST") {
        res.set("Allow", "POST");
        throw new AppError("METHOD_NOT_ALLOWED", "workers accept POST from Cloud Tasks only");
      }
      const delivery = deliveryOf(req, worker.queues);
      const payload = taskPayloadSchema.parse(req.body);
      const allowed = worker.steps?.[delivery.queueName];
      if (allowed && !allowed.includes(payload.step)) {
        throw new AppError("FORBIDDEN", `queue ${delivery.queueName} does not carry "${payload.step}" tasks`);
      }
      const outcome = await worker.run(payload, delivery);
      res.status(outcome.ack ? 200 : outcome.status).json({ ack: outcome.ack, reason: outcome.reason });
    } catch (error) {
      const answer = errorAnswer(error, logError);
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.set(name, value);
      res.status(answer.status).json(answer.body);
    }
  };
}

/**
 * The delivery Cloud Tasks describes in its headers. X-CloudTasks-QueueName is the queue's short
 * name; attempts are counted with X-CloudTasks-TaskRetryCount (0 on the first attempt, 5xx answers
 * included), not TaskExecutionCount, which leaves out attempts that failed with a 5xx.
 * Source: https://cloud.google.com/tasks/docs/creating-http-target-tasks#handler
 */
function deliveryOf(req: Request, queues: readonly QueueDefinition[]): Delivery {
  const queueName = req.get("x-cloudtasks-queuename");
  const taskName = req.get("x-cloudtasks-taskname");
  if (!queueName || !taskName) {
    throw new AppError("FORBIDDEN", "only Cloud Tasks may call this worker (X-CloudTasks-* headers missing)");
  }
  const queue = queues.find((q) => q.name === queueName);
  if (!queue) {
    throw new AppError("FORBIDDEN", `this worker drains ${queues.map((q) => q.name).join(", ")}, not ${queueName}`);
  }
  const trace = traceIdOf(req.get("x-cloud-trace-context"));
  return {
    queueName,
    taskName,
    retryCount: count(req.get("x-cloudtasks-taskretrycount")),
    executionCount: count(req.get("x-cloudtasks-taskexecutioncount")),
    maxAttempts: queue.retry.maxAttempts,
    deliveryId: randomUUID(),
    ...(trace ? { trace } : {}),
  };
}

function count(header: string | undefined): number {
  const value = Number(header ?? "0");
  return Number.isInteger(value) && value >= 0 ? value : 0;
}
