// The assertion every refusal before admission shares: the refused user left no trace in Firestore.
import { expect } from "vitest";
import type { TestFirestore } from "./firestore.ts";

/** Nothing of `uid` was written: no job, no usage counter, no idempotency record. */
export async function expectNothingWritten(fs: TestFirestore, uid: string): Promise<void> {
  const [jobs, usage, keys] = await Promise.all([
    fs.db.collection("jobs").where("uid", "==", uid).get(),
    fs.db.collection("usage").where("uid", "==", uid).get(),
    fs.db.collection("idempotencyKeys").where("uid", "==", uid).get(),
  ]);
  expect({ jobs: jobs.size, usage: usage.size, idempotencyKeys: keys.size }).toEqual({
    jobs: 0,
    usage: 0,
    idempotencyKeys: 0,
  });
}
