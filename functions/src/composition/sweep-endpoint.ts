// The sweeper's HTTP function, assembled from Services: the sweepJobs use case over the Firestore
// job store and unfinished-jobs query, the Cloud Tasks queue, and deadlines derived from the
// definition for the stack's models.
import { platform } from "@genai-platform/definition";
import type { HttpFunction } from "@google-cloud/functions-framework";
import { FirestoreUnfinishedJobs } from "../adapters/firestore/firestore-unfinished-jobs.ts";
import { scheduledFunction } from "../adapters/http/scheduled-function.ts";
import { jobDeadline } from "../domain/sweep/job-deadline.ts";
import { type SweepDeps, sweepJobs } from "../domain/sweep/sweep-jobs.ts";
import { lazy } from "./lazy.ts";
import type { Services } from "./services.ts";

/** The sweep's dependencies; a test may adjust them (a clock ahead of time, a smaller page). */
export function sweepDeps(s: Services): SweepDeps {
  const models = s.config.models ?? platform.defaultModels;
  return {
    jobs: s.jobs(),
    unfinished: new FirestoreUnfinishedJobs(s.db()),
    queue: s.queue(),
    events: s.events,
    clock: s.clock,
    limits: platform.sweeper,
    // A stack's own model choice changes the model latency part of the deadline.
    deadlineSeconds: {
      image: jobDeadline("image", models.image.id).totalSeconds,
      video: jobDeadline("video", models.video.id).totalSeconds,
    },
  };
}

export function sweepJobsFunction(s: Services, adjust: (deps: SweepDeps) => SweepDeps = (d) => d): HttpFunction {
  const deps = lazy(() => adjust(sweepDeps(s)));
  return scheduledFunction({ name: "sweep", run: () => sweepJobs(deps()) });
}
