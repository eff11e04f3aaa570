// Runs the sweeper's use case against the local platform as a deployed sweep would: Firestore, the
// queue and the event log come from the composition root (createServices) built from a local
// function's environment, with the sweeper's clock set where the caller says. Nothing schedules
// it yet (see the README's sweeper section), so the fault matrix calls it with a clock past the
// deadline instead of waiting the ~84 min of an image job's retry window.
import { platform } from "@genai-platform/definition";
import { loadRuntimeConfig } from "@genai-platform/definition/runtime-config";
import { FirestoreJobStore } from "@genai-platform/functions/adapters/firestore/firestore-job-store.ts";
import { FirestoreUnfinishedJobs } from "@genai-platform/functions/adapters/firestore/firestore-unfinished-jobs.ts";
import { CloudLoggingEventLog } from "@genai-platform/functions/adapters/logging/cloud-logging-event-log.ts";
import { createServices } from "@genai-platform/functions/composition/services.ts";
import { jobDeadline } from "@genai-platform/functions/domain/sweep/job-deadline.ts";
import { type SweepReport, sweepJobs } from "@genai-platform/functions/domain/sweep/sweep-jobs.ts";
import type { LocalPlatform } from "../platform/local-platform.ts";

export interface SweeperAt {
  /** One sweep as if it ran at `atMs` (epoch ms); the job store's transactions use that clock too. */
  sweep(atMs: number): Promise<SweepReport>;
  /** Seconds past admission after which a job of each kind counts as stranded. */
  deadlineSeconds: { image: number; video: number };
  /** The sweep's log lines (generation events), parsed. */
  lines: Array<Record<string, unknown>>;
}

export function sweeperAt(local: LocalPlatform): SweeperAt {
  // generateImage's environment carries the image queue (path, worker URL, invoker): what a
  // requeue needs. Its Firestore client reads FIRESTORE_EMULATOR_HOST from this process.
  const env = local.functions.get("generateImage")?.env;
  if (!env) throw new Error("generateImage is not hosted");
  process.env.FIRESTORE_EMULATOR_HOST = local.firestoreHost;
  const services = createServices(loadRuntimeConfig("generateImage", env));
  const lines: Array<Record<string, unknown>> = [];
  const events = new CloudLoggingEventLog({ project: local.projectId, write: (line) => lines.push(JSON.parse(line)) });
  const deadlineSeconds = { image: jobDeadline("image").totalSeconds, video: jobDeadline("video").totalSeconds };
  return {
    deadlineSeconds,
    lines,
    sweep: (atMs) => {
      const clock = { now: () => new Date(atMs) };
      return sweepJobs({
        jobs: new FirestoreJobStore(services.db(), clock.now),
        unfinished: new FirestoreUnfinishedJobs(services.db()),
        queue: services.queue(),
        events,
        clock,
        limits: platform.sweeper,
        deadlineSeconds,
      });
    },
  };
}
