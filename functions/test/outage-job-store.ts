// A JobStore whose updates can be made to fail on demand, as during a Firestore outage, while
// reads and the updates before and after go to the real store: for the workers' renewal paths.
import { AppError } from "../src/domain/errors.ts";
import type { JobStore } from "../src/ports/index.ts";

export class OutageJobStore implements JobStore {
  /** While true, every update fails as an unavailable store does. */
  down = false;
  /** Updates attempted while down. */
  refused = 0;
  /** Updates that reached the real store. */
  applied = 0;

  private readonly store: JobStore;

  constructor(store: JobStore) {
    this.store = store;
  }

  get(jobId: string) {
    return this.store.get(jobId);
  }

  update(...args: Parameters<JobStore["update"]>) {
    if (this.down) {
      this.refused++;
      return Promise.reject(new AppError("UNAVAILABLE", "the job store is unavailable"));
    }
    this.applied++;
    return this.store.update(...args);
  }
}
