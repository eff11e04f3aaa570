// The deployed sweeper over HTTP, as Cloud Scheduler calls it: the real composition (Firestore job
// store and unfinished-jobs query on the emulator, the Cloud Tasks adapter against the local Cloud
// Tasks server), deadlines from the definition, one structured log line per run.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getQueue, platform } from "@genai-platform/definition";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { admitImageJob } from "../../test/admitted-image-job.ts";
import { captureLogLines, type PlatformHarness, startPlatformHarness } from "../../test/platform-harness.ts";
import { FirestoreJobStore } from "../adapters/firestore/firestore-job-store.ts";
import { jobDeadline } from "../domain/sweep/job-deadline.ts";
import { sweepTaskId } from "../domain/sweep/sweep-jobs.ts";
import { sweepJobsFunction } from "./sweep-endpoint.ts";

interface Delivery {
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** Stands in for the workers: records what Cloud Tasks delivers and acknowledges it. */
async function recordingTarget() {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { deliveries, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

const IMAGE_DEADLINE_S = jobDeadline("image").totalSeconds;

let h: PlatformHarness;
let target: Awaited<ReturnType<typeof recordingTarget>>;
let logs: ReturnType<typeof captureLogLines>;

beforeAll(async () => {
  logs = captureLogLines();
  target = await recordingTarget();
  h = await startPlatformHarness({
    label: "src/composition/sweep-endpoint.test.ts",
    functions: { sweepJobs: (s) => sweepJobsFunction(s) },
    queues: [getQueue("image-jobs"), getQueue("video-jobs"), getQueue("video-polls")],
    workerUrls: { "image-jobs": target.url, "video-jobs": target.url, "video-polls": target.url },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await target?.close();
  logs?.restore();
});

describe("the sweeper function", () => {
  beforeEach(async () => {
    await h.fs.clear();
    target.deliveries.length = 0;
    logs.lines.length = 0;
  });

  const jobs = () => new FirestoreJobStore(h.fs.db);
  async function admitted(uid = "ada") {
    return admitImageJob(h.fs.db, jobs(), uid);
  }
  /** Moves a job's admission (and its last requeue, if any) past the image deadline. */
  async function strand(jobId: string, fields: Record<string, unknown> = {}) {
    const longAgo = new Date(Date.now() - (IMAGE_DEADLINE_S + 60) * 1000);
    await h.fs.db.doc(`jobs/${jobId}`).update({ createdAt: longAgo, ...fields });
    return longAgo;
  }
  const used = async (uid = "ada") => {
    const snaps = await h.fs.db.collection("usage").where("uid", "==", uid).get();
    return snaps.docs.reduce((sum, d) => sum + ((d.get("image") as number | undefined) ?? 0), 0);
  };
  const sweep = (method = "POST") => fetch(`${h.baseUrl}/sweepJobs`, { method });
  const sweepLines = () => logs.lines.filter((l) => l.sweep !== undefined);

  it("fails and refunds a job stranded past its deadline once, however often it runs", async () => {
    const job = await admitted();
    const longAgo = await strand(job.id);
    await h.fs.db.doc(`jobs/${job.id}`).update({ sweeps: platform.sweeper.maxRequeues, sweptAt: longAgo });
    expect(await used()).toBe(1);

    const first = await sweep();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ examined: 1, requeued: 0, failed: 1, skipped: 0 });
    expect(await jobs().get(job.id)).toMatchObject({
      status: "failed",
      refunded: true,
      error: { code: "JOB_DEADLINE_EXCEEDED" },
    });
    expect(await used()).toBe(0);

    const second = await sweep();
    expect(await second.json()).toEqual({ examined: 0, requeued: 0, failed: 0, skipped: 0 });
    expect(await used()).toBe(0);
    expect(sweepLines().map((l) => [l.severity, l.sweep])).toEqual([
      ["INFO", { examined: 1, requeued: 0, failed: 1, skipped: 0 }],
      ["INFO", { examined: 0, requeued: 0, failed: 0, skipped: 0 }],
    ]);
    expect(sweepLines()[0]?.message).toBe("sweep: examined 1, requeued 0, failed 1, skipped 0");
  });

  it("re-enqueues a stranded job through Cloud Tasks under the sweep's own task name", async () => {
    const job = await admitted();
    await strand(job.id);
    const answer = await sweep();
    expect(await answer.json()).toEqual({ examined: 1, requeued: 1, failed: 0, skipped: 0 });
    await h.tasks.idle();
    expect(target.deliveries).toHaveLength(1);
    const [delivered] = target.deliveries;
    expect(delivered?.headers["x-cloudtasks-queuename"]).toBe("image-jobs");
    expect(String(delivered?.headers["x-cloudtasks-taskname"])).toContain(sweepTaskId(job.id, 1));
    expect(delivered?.body).toEqual({ jobId: job.id, step: "run" });
    expect(await jobs().get(job.id)).toMatchObject({ status: "queued", sweeps: 1, refunded: false });
    expect(await used()).toBe(1);
  });

  it.each(["GET", "PUT"])("refuses %s with 405 and touches no job", async (method) => {
    const job = await admitted();
    await strand(job.id);
    const answer = await sweep(method);
    expect(answer.status).toBe(405);
    expect(answer.headers.get("allow")).toBe("POST");
    expect(await answer.json()).toEqual({
      error: { code: "METHOD_NOT_ALLOWED", message: "sweep accepts POST from Cloud Scheduler only" },
    });
    expect(await jobs().get(job.id)).toMatchObject({ status: "queued", refunded: false });
    expect((await jobs().get(job.id))?.sweeps).toBeUndefined();
    expect(sweepLines()).toEqual([]);
  });
});
