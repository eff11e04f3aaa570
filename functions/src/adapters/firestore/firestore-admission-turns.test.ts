// The admission store's turns against the Firestore emulator: at most `inFlight` admission
// transactions run at once in one instance, the others wait in arrival order, and a request that
// cannot get a turn in time answers UNAVAILABLE having written nothing.
import type { Firestore } from "firebase-admin/firestore";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorAdmissionDeps, IMAGE_JOB as IMAGE } from "../../../test/emulator-admission.ts";
import { testFirestore } from "../../../test/firestore.ts";
import { RecordingQueue } from "../../../test/recording-queue.ts";
import { admitJob } from "../../domain/admission.ts";
import type { AppError } from "../../domain/errors.ts";
import { FirestoreAdmissionStore } from "./firestore-admission-store.ts";

/** Counts the transactions running at once on `db`; each is held `holdMs` before it starts. */
function watchTransactions(db: Firestore, holdMs = 0) {
  const seen = { running: 0, most: 0 };
  const run = db.runTransaction.bind(db);
  db.runTransaction = (async (...args: Parameters<Firestore["runTransaction"]>) => {
    seen.running++;
    seen.most = Math.max(seen.most, seen.running);
    try {
      if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
      return await run(...args);
    } finally {
      seen.running--;
    }
  }) as Firestore["runTransaction"];
  return { seen, restore: () => Object.assign(db, { runTransaction: run }) };
}

describe("admission turns in one instance", () => {
  const fs = testFirestore("src/adapters/firestore/firestore-admission-turns.test.ts");
  const queue = new RecordingQueue();
  const deps = (admissions: FirestoreAdmissionStore) => emulatorAdmissionDeps(fs.db, admissions, queue);

  beforeEach(() => fs.clear());
  afterAll(() => fs.close());

  it("runs at most inFlight admission transactions at once and still admits every request", async () => {
    const watch = watchTransactions(fs.db, 20);
    try {
      const store = new FirestoreAdmissionStore(fs.db, { inFlight: 3 });
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => admitJob(deps(store), { uid: `user-${i}`, job: IMAGE })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(12);
      expect(watch.seen.most).toBe(3);
    } finally {
      watch.restore();
    }
  });

  it("answers UNAVAILABLE without writing anything when no turn comes within waitMs", async () => {
    const watch = watchTransactions(fs.db, 300);
    try {
      const store = new FirestoreAdmissionStore(fs.db, { inFlight: 1, waitMs: 50 });
      const enqueuedBefore = queue.tasks.length;
      const [first, second] = await Promise.allSettled([
        admitJob(deps(store), { uid: "first", job: IMAGE }),
        admitJob(deps(store), { uid: "second", job: IMAGE }),
      ]);
      expect(first.status).toBe("fulfilled");
      expect(second.status).toBe("rejected");
      const error = (second as PromiseRejectedResult).reason as AppError;
      expect(error.code).toBe("UNAVAILABLE");
      expect(error.status).toBe(503);
      expect((await fs.db.doc("usage/second_2026-11-25").get()).exists).toBe(false);
      expect((await fs.db.collection("jobs").where("uid", "==", "second").get()).size).toBe(0);
      // Only the first request's job reached the queue.
      expect(queue.tasks.length - enqueuedBefore).toBe(1);
    } finally {
      watch.restore();
    }
  });
});
