// A TaskQueue that records what was enqueued and can be told to fail: for domain tests that assert
// on the task a use case creates. Flows that need delivery use the local Cloud Tasks server instead.
import type { QueueName } from "@genai-platform/definition";
import type { TaskQueue, TaskRequest } from "../src/ports/index.ts";

export class RecordingQueue implements TaskQueue {
  readonly tasks: Array<{ queue: QueueName; task: TaskRequest }> = [];
  failWith: Error | undefined;
  /** Fail this many more enqueues with `failWith`-like errors, then work again. */
  failTimes = 0;
  /** Like a timeout after Cloud Tasks created the task: record it, then throw (this many times). */
  createThenFailTimes = 0;
  attempts = 0;
  private readonly names = new Set<string>();

  async enqueue(queue: QueueName, task: TaskRequest): Promise<"created" | "exists"> {
    this.attempts += 1;
    if (this.failWith) throw this.failWith;
    if (this.failTimes > 0) {
      this.failTimes -= 1;
      throw new Error("DEADLINE_EXCEEDED: enqueue timed out");
    }
    if (this.names.has(`${queue}/${task.taskId}`)) return "exists";
    this.names.add(`${queue}/${task.taskId}`);
    this.tasks.push({ queue, task });
    if (this.createThenFailTimes > 0) {
      this.createThenFailTimes -= 1;
      throw new Error("DEADLINE_EXCEEDED: the answer was lost after the task was created");
    }
    return "created";
  }
}
