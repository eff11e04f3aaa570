// A TaskQueue that records what was enqueued and can be told to fail: for domain tests that assert
// on the task a use case creates. Flows that need delivery use the local Cloud Tasks server instead.
import type { QueueName } from "@genai-platform/definition";
import type { TaskQueue, TaskRequest } from "../src/ports/index.ts";

export class RecordingQueue implements TaskQueue {
  readonly tasks: Array<{ queue: QueueName; task: TaskRequest }> = [];
  failWith: Error | undefined;
  private readonly names = new Set<string>();

  async enqueue(queue: QueueName, task: TaskRequest): Promise<"created" | "exists"> {
    if (this.failWith) throw this.failWith;
    if (this.names.has(`${queue}/${task.taskId}`)) return "exists";
    this.names.add(`${queue}/${task.taskId}`);
    this.tasks.push({ queue, task });
    return "created";
  }
}
