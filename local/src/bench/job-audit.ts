// What the delivery guarantees promise, checked from the outside after a fault: every job of a
// set of users ends (succeeded, or failed with its unit refunded), no job has two model calls at
// once or one after it succeeded, and each user's usage counts exactly the jobs not refunded.
// Jobs come from Firestore, model calls from the Vertex stand-in's call log, charges from the
// usage documents: none of it from the code under test.
import type { Firestore } from "firebase-admin/firestore";
import type { ModelCall } from "../vertex/call-log.ts";

/** One admitted generation as the audit follows it: its user and the prompt that names its model calls. */
export interface TrackedUser {
  uid: string;
  /** Unique to this user's job: every model call for it carries this text. */
  prompt: string;
}

export interface JobAudit {
  jobId: string;
  uid: string;
  status: string;
  refunded: boolean;
  modelCalls: number;
  /** Calls that began while another call for the job was in flight, or after the job succeeded. */
  doubleModelCalls: number;
}

export interface AuditSummary {
  jobs: number;
  succeeded: number;
  failedRefunded: number;
  /** Not terminal, or failed without its refund. */
  stranded: number;
  modelCalls: number;
  doubleModelCalls: number;
  /** Units charged beyond the user's jobs that were not refunded. */
  doubleCharges: number;
  /** Units refunded beyond the user's failed jobs (a charge given back twice). */
  doubleRefunds: number;
  perJob: JobAudit[];
}

const TERMINAL = new Set(["succeeded", "failed"]);

interface JobRow {
  id: string;
  uid: string;
  status: string;
  refunded: boolean;
  usageDay: string;
  succeededAtMs?: number;
}

/** Every job of the tracked users, read from Firestore. */
async function jobsOf(db: Firestore, users: readonly TrackedUser[]): Promise<JobRow[]> {
  const snaps = await Promise.all(users.map((u) => db.collection("jobs").where("uid", "==", u.uid).get()));
  return snaps.flatMap((snap) =>
    snap.docs.map((doc) => ({
      id: doc.id,
      uid: doc.get("uid") as string,
      status: doc.get("status") as string,
      refunded: doc.get("refunded") === true,
      usageDay: doc.get("usageDay") as string,
      ...(doc.get("status") === "succeeded" ? { succeededAtMs: doc.get("updatedAt").toMillis() as number } : {}),
    })),
  );
}

/** Polls until every tracked user's job is terminal (or `timeoutMs`); resolves to the wall time it took. */
export async function waitUntilSettled(
  db: Firestore,
  users: readonly TrackedUser[],
  options: { timeoutMs: number; since: number; pollMs?: number },
): Promise<{ settled: boolean; settleMs: number }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const jobs = await jobsOf(db, users).catch(() => undefined);
    if (jobs && jobs.length > 0 && jobs.every((j) => TERMINAL.has(j.status))) {
      return { settled: true, settleMs: Date.now() - options.since };
    }
    if (Date.now() > deadline) return { settled: false, settleMs: Date.now() - options.since };
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
}

/** Counts a job's model calls that overlapped another call for it, or began after it succeeded. */
export function doubleCalls(calls: readonly ModelCall[], succeededAtMs?: number): number {
  const ordered = [...calls].sort((a, b) => a.startedAt - b.startedAt);
  let doubles = 0;
  let busyUntil = Number.NEGATIVE_INFINITY;
  for (const call of ordered) {
    const overlaps = call.startedAt < busyUntil;
    const late = succeededAtMs !== undefined && call.startedAt > succeededAtMs;
    if (overlaps || late) doubles++;
    busyUntil = Math.max(busyUntil, call.endedAt ?? Number.POSITIVE_INFINITY);
  }
  return doubles;
}

export async function auditJobs(
  db: Firestore,
  users: readonly TrackedUser[],
  calls: readonly ModelCall[],
  kind: "image" | "video" = "image",
): Promise<AuditSummary> {
  const jobs = await jobsOf(db, users);
  const promptOf = new Map(users.map((u) => [u.uid, u.prompt]));
  const perJob: JobAudit[] = jobs.map((job) => {
    const prompt = promptOf.get(job.uid) ?? "";
    const mine = calls.filter((c) => c.method !== "fetchPredictOperation" && c.subject.includes(prompt));
    return {
      jobId: job.id,
      uid: job.uid,
      status: job.status,
      refunded: job.refunded,
      modelCalls: mine.length,
      doubleModelCalls: doubleCalls(mine, job.succeededAtMs),
    };
  });
  let doubleCharges = 0;
  let doubleRefunds = 0;
  const days = new Map<string, JobRow[]>();
  for (const job of jobs)
    days.set(`${job.uid}_${job.usageDay}`, [...(days.get(`${job.uid}_${job.usageDay}`) ?? []), job]);
  for (const [doc, rows] of days) {
    const used = Number((await db.collection("usage").doc(doc).get()).get(kind) ?? 0);
    const expected = rows.filter((r) => !r.refunded).length;
    doubleCharges += Math.max(0, used - expected);
    doubleRefunds += Math.max(0, expected - used);
  }
  const succeeded = jobs.filter((j) => j.status === "succeeded").length;
  const failedRefunded = jobs.filter((j) => j.status === "failed" && j.refunded).length;
  return {
    jobs: jobs.length,
    succeeded,
    failedRefunded,
    stranded: jobs.length - succeeded - failedRefunded,
    modelCalls: perJob.reduce((sum, j) => sum + j.modelCalls, 0),
    doubleModelCalls: perJob.reduce((sum, j) => sum + j.doubleModelCalls, 0),
    doubleCharges,
    doubleRefunds,
    perJob,
  };
}
