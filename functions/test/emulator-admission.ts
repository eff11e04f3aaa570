// What the admission tests against the Firestore emulator share: quota limits with the burst limit
// out of the way (admission-budget.test.ts tests the burst), a fixed clock, one image job, and the
// admission dependencies of one function process built on a Firestore database and a store.
import type { TierLimits } from "@genai-platform/definition";
import type { Firestore } from "firebase-admin/firestore";
import type { FirestoreAdmissionStore } from "../src/adapters/firestore/firestore-admission-store.ts";
import { FirestoreJobStore } from "../src/adapters/firestore/firestore-job-store.ts";
import { randomIds } from "../src/adapters/system/system.ts";
import type { AdmissionDeps } from "../src/domain/admission.ts";
import { capturedEvents } from "./captured-events.ts";
import type { RecordingQueue } from "./recording-queue.ts";

export const DAILY_LIMITS_ONLY: TierLimits = {
  free: { image: 20, video: 1, agent: 2, perMinute: 600 },
  pro: { image: 50, video: 5, agent: 20, perMinute: 600 },
};
export const ADMISSION_NOW = new Date("2026-11-25T10:00:00Z");
export const IMAGE_JOB = {
  kind: "image" as const,
  request: { prompt: "a red fox in snow", aspectRatio: "1:1" as const, imageSize: "1K" as const },
};

/** One process's admission dependencies: its store, its database's job store, the shared queue. */
export function emulatorAdmissionDeps(
  db: Firestore,
  admissions: FirestoreAdmissionStore,
  queue: RecordingQueue,
): AdmissionDeps {
  return {
    admissions,
    jobs: new FirestoreJobStore(db, () => ADMISSION_NOW),
    queue,
    events: capturedEvents().log,
    clock: { now: () => ADMISSION_NOW },
    ids: randomIds,
    limits: DAILY_LIMITS_ONLY,
  };
}
