// The video worker's use case on the shared job lifecycle: `start` claims the job, starts the Veo
// long-running operation and records its name; `poll` reads the operation on delayed tasks until
// it is done, failed, filtered or out of time. Duplicated tasks of either step change nothing twice.
//
// The one unavoidable window: Veo accepted `start`, but the transition storing the operation name
// never committed (the worker crashed, or Veo's answer was lost to a timeout). Nothing refers to
// that operation, so the redelivered start task starts a second one. Bounded: at most one extra
// operation per such crash, and at most the queue's maxAttempts (6) start deliveries per job. The
// output prefix is per job (`users/{uid}/videos/{jobId}/`), so the orphan's video can only land
// under that job's own prefix: no other job or user sees it, the job still records exactly one
// operation, and nothing is charged twice. The cost is one extra (billed) Veo generation per crash.
// Veo takes no client-supplied request id, so the window cannot be closed from our side.
import type { TaskPayload, VideoRequest } from "@genai-platform/client/api";
import type { QueueName } from "@genai-platform/definition";
import type {
  AccessControls,
  Clock,
  EventLog,
  JobStore,
  JobUpdate,
  TaskQueue,
  VideoModel,
  VideoOperationState,
} from "../../ports/index.ts";
import { suspendedOwnerFailure } from "../access-policy.ts";
import { isTerminal, type Job, type JobFailure } from "../job.ts";
import {
  claimJob,
  conclude,
  type Delivery,
  describeFailure,
  fail,
  failOwned,
  isFinalAttempt,
  jobEvent,
  notThisWorkersJob,
  requeue,
  succeed,
  type TaskOutcome,
  unclaimed,
  updateIfOwner,
} from "../job-lifecycle.ts";
import { type HeartbeatPolicy, startHeartbeat, warnOnFailedRenewal } from "../lease-heartbeat.ts";
import { maxPolls, pollDelaySeconds, VIDEO_MAX_WAIT_SECONDS } from "./poll-schedule.ts";

/** Polls have their own queue, so they never wait behind starts throttled by the model quota. */
const VIDEO_POLL_QUEUE: QueueName = "video-polls";

export interface VideoJobDeps {
  jobs: JobStore;
  queue: TaskQueue;
  model: VideoModel;
  events: EventLog;
  clock: Clock;
  /**
   * Whose jobs must not start: a suspension set after admission fails the job before Veo is
   * called. Polls of an operation already started go on: that generation is billed either way.
   */
  controls: Pick<AccessControls, "suspension">;
  /** Media bucket Veo writes into. */
  bucket: string;
  /**
   * How long a start delivery holds the job: at least the worker's timeout. With `heartbeat`, the
   * claim takes the heartbeat's short lease instead and renews it while Veo accepts the request.
   */
  leaseMs: number;
  heartbeat?: HeartbeatPolicy;
  /** Longest wait for an operation over the poll schedule; default VIDEO_MAX_WAIT_SECONDS. */
  maxWaitSeconds?: number;
}

/** Where Veo writes a job's output: the job's own prefix in the media bucket. */
export function videoOutputUri(bucket: string, job: Pick<Job, "uid" | "id">): string {
  return `gs://${bucket}/users/${job.uid}/videos/${job.id}/`;
}

/** Poll n of a job has one task name, so enqueueing it twice creates it once. */
export function pollTaskId(jobId: string, poll: number): string {
  return `${jobId}-poll-${poll}`;
}

export async function runVideoJob(deps: VideoJobDeps, payload: TaskPayload, delivery: Delivery): Promise<TaskOutcome> {
  if (payload.step === "poll") return pollVideoJob(deps, payload.jobId, payload.poll ?? 1, delivery);
  return startVideoJob(deps, payload.jobId, delivery);
}

/**
 * Step `start`. A job that already has an operation (a duplicated start task after the first one
 * recorded it) is not started again: its current poll is (re)enqueued by name and the task acked.
 */
export async function startVideoJob(deps: VideoJobDeps, jobId: string, delivery: Delivery): Promise<TaskOutcome> {
  const claim = await claimJob(deps.jobs, jobId, "video", delivery, deps.heartbeat?.leaseMs ?? deps.leaseMs);
  if (claim.type !== "claimed") return unclaimed(claim);
  const job = claim.job;

  if (job.operationName) {
    // Release the lease this duplicate just took; the operation's polls do not need it.
    await updateIfOwner(deps.jobs, job.id, delivery, () => ({ lease: null }));
    await enqueuePoll(deps, job.id, job.polls ?? 1);
    return { ack: true, reason: "operation already started; poll ensured" };
  }

  // A holder killed while Veo answers stops renewing, so the next delivery takes over within one
  // lease. Every path stops the renewals before its transition, as the image worker does.
  const stop = deps.heartbeat
    ? startHeartbeat(deps.jobs, job.id, delivery, deps.heartbeat, warnOnFailedRenewal(deps.events, job, delivery))
    : async () => {};
  let operationName: string;
  try {
    // Inside the try: a suspension that cannot be read is retried like a model outage.
    const suspended = await suspendedOwnerFailure(deps.controls, job.uid);
    if (suspended) return await failOwned(deps, job.id, delivery, suspended);
    deps.events.generation(jobEvent(job, "running", {}, delivery));
    ({ operationName } = await deps.model.start(job.request as VideoRequest, {
      outputUri: videoOutputUri(deps.bucket, job),
    }));
  } catch (error) {
    await stop();
    return modelFailure(deps, job, delivery, error, () => requeue());
  }
  await stop();

  // One transition: the job stays running, now bound to this operation, with poll #1 due.
  const recorded = await updateIfOwner(deps.jobs, job.id, delivery, () => ({ operationName, polls: 1, lease: null }));
  if (!recorded?.changed) {
    // The lease ran out and another delivery took over: its operation is the job's, ours an orphan.
    deps.events.generation(jobEvent(job, "retrying", { errorCode: "ORPHAN_OPERATION" }, delivery), "WARNING");
    return { ack: true, reason: "lease lost before the operation was recorded" };
  }
  // If this enqueue fails the task is retried, finds the operation recorded and enqueues poll #1.
  await enqueuePoll(deps, job.id, 1);
  return { ack: true, reason: "operation started; poll 1 scheduled" };
}

/**
 * Step `poll` number n. Only the job's current poll does work, and every transition it makes is
 * conditional on the job still being at poll n, so a duplicated poll never finishes a job twice.
 */
export async function pollVideoJob(
  deps: VideoJobDeps,
  jobId: string,
  poll: number,
  delivery: Delivery,
): Promise<TaskOutcome> {
  const job = await deps.jobs.get(jobId);
  if (!job) return { ack: true, reason: "job does not exist (expired or never created)" };
  if (job.kind !== "video") throw notThisWorkersJob("video", delivery);
  if (isTerminal(job.status)) return { ack: true, reason: `job already ${job.status}` };
  const operationName = job.operationName;
  if (!operationName) return { ack: true, reason: "no operation recorded; the start task owns the job" };
  const current = job.polls ?? 1;
  if (poll !== current) {
    // A stale duplicate. The current poll is re-enqueued by name (a no-op when it exists) so a
    // crash between recording poll n+1 and enqueueing it cannot strand the job.
    await enqueuePoll(deps, job.id, current);
    return { ack: true, reason: `stale poll ${poll}; the job is at poll ${current}` };
  }

  let state: VideoOperationState;
  try {
    state = await deps.model.poll(operationName, {});
  } catch (error) {
    return modelFailure(deps, job, delivery, error);
  }

  const settle = (change: JobUpdate, failure?: JobFailure) =>
    conclude(deps, delivery, deps.jobs.update(job.id, atPoll(job, change)), failure);

  if (state.done) {
    if ("error" in state) return settle(fail(state.error), state.error);
    if ("filtered" in state) {
      const failure = { code: "VIDEO_FILTERED", message: state.filtered };
      return settle(fail(failure), failure);
    }
    const video = state.videos[0];
    const objectPath = video ? objectPathOf(deps.bucket, job, video.uri) : undefined;
    if (!video || !objectPath) {
      const failure = { code: "VIDEO_MISSING", message: "the model reported no video under the job's output prefix" };
      return settle(fail(failure), failure);
    }
    return settle(succeed({ objectPath, mimeType: video.mimeType }));
  }

  if (poll >= maxPolls(deps.maxWaitSeconds ?? VIDEO_MAX_WAIT_SECONDS)) {
    const failure = { code: "VIDEO_TIMEOUT", message: "the video was not ready within the maximum wait" };
    return settle(fail(failure), failure);
  }
  const next = await deps.jobs.update(job.id, atPoll(job, { polls: poll + 1 }));
  if (!next || isTerminal(next.job.status)) return { ack: true, reason: "job finished meanwhile" };
  // Whether this delivery or a concurrent duplicate advanced the count, the next poll is enqueued once.
  await enqueuePoll(deps, job.id, next.job.polls ?? poll + 1);
  return { ack: true, reason: `not done; poll ${poll + 1} scheduled` };
}

/** Enqueues poll n with its delay; the task name makes a repeated enqueue a no-op. */
async function enqueuePoll(deps: VideoJobDeps, jobId: string, poll: number): Promise<void> {
  await deps.queue.enqueue(VIDEO_POLL_QUEUE, {
    taskId: pollTaskId(jobId, poll),
    payload: { jobId, step: "poll", poll },
    scheduleTime: new Date(deps.clock.now().getTime() + pollDelaySeconds(poll) * 1000),
  });
}

/** A terminal transition that applies only while the job is still at `poll` of its operation. */
function atPoll(job: Job, change: JobUpdate): (current: Job) => JobUpdate | undefined {
  const { operationName } = job;
  const poll = job.polls ?? 1;
  return (current) =>
    !isTerminal(current.status) && current.operationName === operationName && (current.polls ?? 1) === poll
      ? change
      : undefined;
}

/**
 * A model call failed. Retryable failures answer non-2xx so Cloud Tasks retries the same step (a
 * start hands the job back to the queue first), except on the final attempt, which fails the job.
 */
async function modelFailure(
  deps: VideoJobDeps,
  job: Job,
  delivery: Delivery,
  error: unknown,
  onRetry?: () => JobUpdate,
): Promise<TaskOutcome> {
  const failure = describeFailure(error);
  if (failure.retryable && !isFinalAttempt(delivery)) {
    const back = onRetry ? await updateIfOwner(deps.jobs, job.id, delivery, onRetry) : undefined;
    deps.events.generation(jobEvent(back?.job ?? job, "retrying", { errorCode: failure.code }, delivery), "WARNING");
    return { ack: false, status: 503, reason: `retryable failure ${failure.code}` };
  }
  const { retryable: _, ...final } = failure;
  if (onRetry) return failOwned(deps, job.id, delivery, final);
  return conclude(deps, delivery, deps.jobs.update(job.id, atPoll(job, fail(final))), final);
}

/** The object path of a Veo output URI, when it lies under the job's own prefix. */
function objectPathOf(bucket: string, job: Job, uri: string): string | undefined {
  if (!uri.startsWith(videoOutputUri(bucket, job))) return undefined;
  return uri.slice(`gs://${bucket}/`.length);
}
