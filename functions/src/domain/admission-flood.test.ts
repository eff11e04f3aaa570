// One user's flood (issue 12, point 10) against the Firestore emulator: two store instances on two
// firebase-admin apps stand for two function processes, each queuing the user's requests in turn
// while the transactions still decide between them.
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorAdmissionDeps, IMAGE_JOB as IMAGE } from "../../test/emulator-admission.ts";
import { testFirestore } from "../../test/firestore.ts";
import { RecordingQueue } from "../../test/recording-queue.ts";
import { FirestoreAdmissionStore } from "../adapters/firestore/firestore-admission-store.ts";
import { type AdmissionDeps, admitJob } from "./admission.ts";
import type { AppError } from "./errors.ts";

describe("one user's flood of parallel admissions", () => {
  const fs = testFirestore("src/domain/admission-flood.test.ts");
  const second: App = initializeApp({ projectId: fs.projectId }, `${fs.projectId}-second-process`);
  const queue = new RecordingQueue();
  const processes = [fs.db, getFirestore(second)].map(
    (db): AdmissionDeps => emulatorAdmissionDeps(db, new FirestoreAdmissionStore(db), queue),
  );

  beforeEach(() => fs.clear());
  afterAll(async () => {
    await deleteApp(second);
    await fs.close();
  });

  const outcomes = (results: PromiseSettledResult<unknown>[]) =>
    results.map((r) => (r.status === "fulfilled" ? "ADMITTED" : (r.reason as AppError).code));
  const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;

  it("admits exactly the quota of 60 requests across two processes and refuses the rest with QUOTA_EXCEEDED, none BUSY", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => admitJob(processes[i % 2] as AdmissionDeps, { uid: "flooder", job: IMAGE })),
    );
    const codes = outcomes(results);
    expect(count(codes, "ADMITTED")).toBe(20);
    expect(count(codes, "QUOTA_EXCEEDED")).toBe(40);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).status).toBe(429);
    expect((await fs.db.doc("usage/flooder_2026-11-25").get()).get("image")).toBe(20);
    expect((await fs.db.collection("jobs").where("uid", "==", "flooder").get()).size).toBe(20);
  });

  it("keeps two users' floods apart: the pro user's 40 all fit under its 50, the free user gets exactly 20 of 80", async () => {
    await fs.db.doc("users/pro-user").set({ tier: "pro" });
    const results = await Promise.allSettled(
      Array.from({ length: 120 }, (_, i) =>
        admitJob(processes[i % 2] as AdmissionDeps, { uid: i % 3 === 0 ? "pro-user" : "free-user", job: IMAGE }),
      ),
    );
    expect(count(outcomes(results), "ADMITTED")).toBe(40 + 20);
    expect((await fs.db.doc("usage/pro-user_2026-11-25").get()).get("image")).toBe(40);
    expect((await fs.db.doc("usage/free-user_2026-11-25").get()).get("image")).toBe(20);
  });
});
