// One image job admitted the way generateImage admits it (quota, idempotency and job in one
// Firestore transaction), its task recorded rather than sent: the starting point of the worker,
// lease and sweeper tests.
import { platform } from "@genai-platform/definition";
import type { Firestore } from "firebase-admin/firestore";
import { FirestoreAdmissionStore } from "../src/adapters/firestore/firestore-admission-store.ts";
import { randomIds, systemClock } from "../src/adapters/system/system.ts";
import { admitJob } from "../src/domain/admission.ts";
import type { Job } from "../src/domain/job.ts";
import type { JobStore } from "../src/ports/index.ts";
import { capturedEvents } from "./captured-events.ts";
import { RecordingQueue } from "./recording-queue.ts";

export async function admitImageJob(db: Firestore, jobs: JobStore, uid = "ada"): Promise<Job> {
  const { job } = await admitJob(
    {
      admissions: new FirestoreAdmissionStore(db),
      jobs,
      queue: new RecordingQueue(),
      events: capturedEvents().log,
      clock: systemClock,
      ids: randomIds,
      limits: platform.tiers,
    },
    { uid, job: { kind: "image", request: { prompt: "a red kite", aspectRatio: "1:1", imageSize: "1K" } } },
  );
  return job;
}
