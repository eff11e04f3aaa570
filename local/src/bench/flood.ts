// One user's flood (issue 12, point 10): `requests` parallel image admissions from ONE free user,
// split across two function instances (two firebase-admin apps, as two processes would hold), on a
// fresh Firestore emulator. Baseline of the same run: as many admissions from distinct users, where
// nothing contends. The figure that matters is the flood's time to resolve every request and its
// outcome counts: exactly the tier limit admitted, the rest QUOTA_EXCEEDED, nothing BUSY.
import { platform } from "@genai-platform/definition";
import { FirestoreAdmissionStore } from "@genai-platform/functions/adapters/firestore/firestore-admission-store.ts";
import { FirestoreJobStore } from "@genai-platform/functions/adapters/firestore/firestore-job-store.ts";
import { CloudLoggingEventLog } from "@genai-platform/functions/adapters/logging/cloud-logging-event-log.ts";
import { randomIds, systemClock } from "@genai-platform/functions/adapters/system/system.ts";
import { type AdmissionDeps, admitJob } from "@genai-platform/functions/domain/admission.ts";
import { AppError } from "@genai-platform/functions/domain/errors.ts";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { FirestoreEmulator } from "../firestore-emulator.ts";
import { round } from "./stats.ts";

export interface FloodRun {
  requests: number;
  elapsedMs: number;
  /** Outcome code → count; `ADMITTED` for the 202s. */
  outcomes: Record<string, number>;
}

export interface FloodResult {
  limit: number;
  flood: FloodRun;
  baseline: FloodRun;
  /** flood time / baseline time, both measured in this run. */
  ratio: number;
}

const IMAGE = { prompt: "a lighthouse at dusk", aspectRatio: "1:1", imageSize: "1K" } as const;
const INSTANCES = 2;

export async function runFlood(options: { requests: number; log: (line: string) => void }): Promise<FloodResult> {
  const emulator = await FirestoreEmulator.start();
  const apps: App[] = [];
  try {
    process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
    const projectId = "demo-flood-bench";
    // The bench measures the daily quota under a flood; the burst limit would refuse most of it first.
    const FLOOD_LIMITS = {
      free: { ...platform.tiers.free, perMinute: 600 },
      pro: { ...platform.tiers.pro, perMinute: 600 },
    };
    const instances: AdmissionDeps[] = Array.from({ length: INSTANCES }, (_, i) => {
      const app = initializeApp({ projectId }, `flood-${i}`);
      apps.push(app);
      const db = getFirestore(app);
      return {
        admissions: new FirestoreAdmissionStore(db),
        jobs: new FirestoreJobStore(db, () => new Date()),
        queue: { enqueue: async () => "created" as const },
        events: new CloudLoggingEventLog({ project: projectId, write: () => {} }),
        clock: systemClock,
        ids: randomIds,
        limits: FLOOD_LIMITS,
      };
    });
    const limit = platform.tiers.free.image;
    options.log(`Firestore emulator on ${emulator.host}; ${INSTANCES} instances; free image limit ${limit}`);
    const run = async (uidOf: (i: number) => string): Promise<FloodRun> => {
      const started = performance.now();
      const settled = await Promise.allSettled(
        Array.from({ length: options.requests }, (_, i) =>
          admitJob(instances[i % INSTANCES] as AdmissionDeps, {
            uid: uidOf(i),
            job: { kind: "image", request: IMAGE },
          }),
        ),
      );
      const elapsedMs = round(performance.now() - started, 0);
      const outcomes: Record<string, number> = {};
      for (const result of settled) {
        const code =
          result.status === "fulfilled"
            ? "ADMITTED"
            : result.reason instanceof AppError
              ? result.reason.code
              : String(result.reason);
        outcomes[code] = (outcomes[code] ?? 0) + 1;
      }
      return { requests: options.requests, elapsedMs, outcomes };
    };
    // Warm both instances' channels so neither run pays for connection setup.
    await run((i) => `warm-${i}`);
    await emulator.clear(projectId);
    const baseline = await run((i) => `distinct-${i}`);
    options.log(`baseline (distinct users): ${baseline.elapsedMs} ms ${JSON.stringify(baseline.outcomes)}`);
    const flood = await run(() => "flooder");
    options.log(`flood (one user): ${flood.elapsedMs} ms ${JSON.stringify(flood.outcomes)}`);
    return { limit, flood, baseline, ratio: round(flood.elapsedMs / Math.max(1, baseline.elapsedMs), 1) };
  } finally {
    await Promise.all(apps.map((app) => deleteApp(app)));
    await emulator.stop();
  }
}
