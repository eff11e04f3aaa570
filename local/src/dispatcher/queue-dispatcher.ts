// Delivers one queue's HTTP tasks the way Cloud Tasks does: not before their scheduleTime, through a
// token bucket (rate, burst), under a concurrency cap, with Cloud Tasks' headers, and retried on
// any non-2xx answer with the queue's backoff until maxAttempts. A paused queue keeps what it holds
// and dispatches nothing until it is resumed.

import type { QueueDefinition } from "@genai-platform/definition";
import { TokenBucket } from "limiter";
import { retryDelayMs } from "./backoff.ts";

export interface HttpTask {
  /** Full name `projects/P/locations/L/queues/Q/tasks/ID`. */
  name: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  scheduleTime: Date;
  /** Per-attempt deadline (Cloud Tasks' dispatchDeadline, default 10 min). */
  dispatchDeadlineMs?: number;
}

export type DispatchOutcome =
  | {
      type: "attempt";
      task: string;
      retryCount: number;
      status: number | "timeout" | "error";
      latencyMs: number;
      /** Epoch ms the request was sent: never before the task's scheduleTime. */
      dispatchedAt: number;
    }
  | { type: "done"; task: string; attempts: number }
  | { type: "exhausted"; task: string; attempts: number };

export interface QueueDispatcherOptions {
  queue: QueueDefinition;
  /** Overrides the queue's rate (and burst, kept at the same ratio) for local experiments. */
  maxDispatchesPerSecond?: number;
  onOutcome?: (outcome: DispatchOutcome) => void;
}

interface Pending {
  task: HttpTask;
  due: number;
  retryCount: number;
  executionCount: number;
  seq: number;
}

export class QueueDispatcher {
  readonly queue: QueueDefinition;
  readonly rate: number;
  readonly burst: number;
  private readonly bucket: TokenBucket;
  private readonly pending: Pending[] = [];
  private readonly names = new Set<string>();
  private readonly onOutcome?: (outcome: DispatchOutcome) => void;
  private readonly idleWaiters: Array<() => void> = [];
  private inFlight = 0;
  private seq = 0;
  private pumping = false;
  private stopped = false;
  private held = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: QueueDispatcherOptions) {
    this.queue = options.queue;
    this.rate = options.maxDispatchesPerSecond ?? options.queue.maxDispatchesPerSecond;
    const ratio = options.queue.maxBurstSize / options.queue.maxDispatchesPerSecond;
    this.burst = Math.max(1, Math.round(this.rate * ratio));
    this.bucket = new TokenBucket({ bucketSize: this.burst, tokensPerInterval: this.rate, interval: "second" });
    this.onOutcome = options.onOutcome;
  }

  /** Accepts a task; a name already pending or in flight is ignored (the server dedups names). */
  add(task: HttpTask): void {
    if (this.stopped || this.names.has(task.name)) return;
    this.names.add(task.name);
    this.insert({ task, due: task.scheduleTime.getTime(), retryCount: 0, executionCount: 0, seq: this.seq++ });
    void this.pump();
  }

  /**
   * Delivers an accepted task once more, independently of its first delivery (its own attempts and
   * retries, the same headers): Cloud Tasks' rare duplicate execution.
   * Source: https://cloud.google.com/tasks/docs/concepts ("In some rare circumstances, multiple task execution is possible")
   */
  addDuplicate(task: HttpTask): void {
    if (this.stopped) return;
    this.insert({ task, due: task.scheduleTime.getTime(), retryCount: 0, executionCount: 0, seq: this.seq++ });
    void this.pump();
  }

  /** Removes a task that has not been dispatched yet. */
  remove(name: string): boolean {
    const index = this.pending.findIndex((p) => p.task.name === name);
    if (index < 0) return false;
    this.pending.splice(index, 1);
    this.names.delete(name);
    this.notifyIfIdle();
    return true;
  }

  get size(): { pending: number; inFlight: number } {
    return { pending: this.pending.length, inFlight: this.inFlight };
  }

  /** Resolves once nothing is pending or in flight. */
  idle(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Whether the queue is paused (Cloud Tasks' PAUSED state). */
  get paused(): boolean {
    return this.held;
  }

  /**
   * Stops dispatching without dropping anything: attempts in flight finish (a failed one is
   * re-queued with its backoff as usual), new and pending tasks wait for `resume`.
   */
  pause(): void {
    this.held = true;
    clearTimeout(this.timer);
  }

  /** Dispatches again everything kept while paused, at the queue's rate. */
  resume(): void {
    if (!this.held) return;
    this.held = false;
    void this.pump();
  }

  /** Stops dispatching; tasks in flight finish, pending ones are dropped. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.pending.length = 0;
    this.names.clear();
    this.notifyIfIdle();
  }

  private insert(entry: Pending): void {
    // Sorted by due time, then arrival: the next deliverable task is always at the head.
    let i = this.pending.length;
    while (i > 0) {
      const before = this.pending[i - 1] as Pending;
      if (before.due < entry.due || (before.due === entry.due && before.seq < entry.seq)) break;
      i--;
    }
    this.pending.splice(i, 0, entry);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && !this.held) {
        const head = this.pending[0];
        if (!head) break;
        const wait = head.due - Date.now();
        if (wait > 0) {
          clearTimeout(this.timer);
          this.timer = setTimeout(() => void this.pump(), wait);
          break;
        }
        if (this.inFlight >= this.queue.maxConcurrentDispatches) break;
        await this.bucket.removeTokens(1);
        if (this.stopped || this.held) break;
        const next = this.pending.shift() as Pending;
        this.inFlight++;
        void this.deliver(next);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async deliver(entry: Pending): Promise<void> {
    const { task } = entry;
    const started = Date.now();
    let status: number | "timeout" | "error";
    try {
      const response = await fetch(task.url, {
        method: task.method ?? "POST",
        headers: { ...task.headers, ...this.cloudTasksHeaders(entry) },
        body: task.body,
        signal: AbortSignal.timeout(task.dispatchDeadlineMs ?? 600_000),
      });
      await response.arrayBuffer();
      status = response.status;
      // Cloud Tasks counts executions as handler responses other than 5xx.
      // Source: https://cloud.google.com/tasks/docs/creating-http-target-tasks (X-CloudTasks-TaskExecutionCount)
      if (status < 500) entry.executionCount++;
    } catch (error) {
      status = (error as Error).name === "TimeoutError" ? "timeout" : "error";
    }
    this.onOutcome?.({
      type: "attempt",
      task: task.name,
      retryCount: entry.retryCount,
      status,
      latencyMs: Date.now() - started,
      dispatchedAt: started,
    });
    this.inFlight--;
    const attempts = entry.retryCount + 1;
    if (typeof status === "number" && status >= 200 && status < 300) {
      this.names.delete(task.name);
      this.onOutcome?.({ type: "done", task: task.name, attempts });
    } else if (attempts >= this.queue.retry.maxAttempts || this.stopped) {
      this.names.delete(task.name);
      this.onOutcome?.({ type: "exhausted", task: task.name, attempts });
    } else {
      entry.retryCount++;
      entry.due = Date.now() + retryDelayMs(this.queue.retry, entry.retryCount);
      this.insert(entry);
    }
    this.notifyIfIdle();
    void this.pump();
  }

  private cloudTasksHeaders(entry: Pending): Record<string, string> {
    const taskId = entry.task.name.slice(entry.task.name.lastIndexOf("/") + 1);
    return {
      "X-CloudTasks-QueueName": this.queue.name,
      "X-CloudTasks-TaskName": taskId,
      "X-CloudTasks-TaskRetryCount": String(entry.retryCount),
      "X-CloudTasks-TaskExecutionCount": String(entry.executionCount),
      "X-CloudTasks-TaskETA": (entry.task.scheduleTime.getTime() / 1000).toFixed(6),
    };
  }

  private notifyIfIdle(): void {
    if (this.pending.length > 0 || this.inFlight > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
