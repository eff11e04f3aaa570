// Runs one task at a time per key within this process. Parallel transactions on one document only
// fight each other (Firestore delays or aborts all but one, and a flood of them ends ABORTED);
// queued behind each other in the process they each commit in one attempt. Exactness never rests
// on this: the transaction stays the source of truth across processes.
// Source: https://cloud.google.com/firestore/docs/transaction-data-contention
import pLimit, { type LimitFunction } from "p-limit";

export class PerKeySerializer {
  private readonly lanes = new Map<string, LimitFunction>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = pLimit(1);
      this.lanes.set(key, lane);
    }
    const current = lane;
    return current(task).finally(() => {
      // An idle lane is dropped, so the map holds only keys with work in flight.
      if (current.activeCount === 0 && current.pendingCount === 0 && this.lanes.get(key) === current) {
        this.lanes.delete(key);
      }
    });
  }

  /** Keys with work running or waiting (for tests). */
  get size(): number {
    return this.lanes.size;
  }
}
