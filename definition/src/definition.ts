// The platform in one place: every deployable, queue, tier, collection, index and log event.
// infra/ provisions it, functions/ runs against it, policies/ judges the result. Pure data.
import { DEFAULT_MODELS, VERTEX_MODELS } from "./models.ts";
import type { DeepReadonly, PlatformDefinition } from "./schema.ts";

/** The default Vertex AI model id of each kind (a stack may choose others: `genai-platform:models`). */
export const MODELS = {
  image: DEFAULT_MODELS.image.id,
  video: DEFAULT_MODELS.video.id,
  agent: DEFAULT_MODELS.agent.id,
} as const;
export type ModelKey = keyof typeof MODELS;

const IMAGE_QUEUE = "image-jobs";
const VIDEO_QUEUE = "video-jobs";
const VIDEO_POLL_QUEUE = "video-polls";

export const definition = {
  functions: [
    {
      name: "generateImage",
      description: "Admits an image request: token, body, quota and job in one transaction, then a task.",
      trigger: "https",
      ingress: "public",
      methods: ["POST"],
      entryPoint: "src/entries/generate-image.ts",
      serviceAccountId: "fn-generate-image",
      memoryMiB: 512,
      timeoutSeconds: 30,
      minInstances: 0,
      maxInstances: 20,
      concurrency: 80,
      access: { firestore: "readWrite", mediaBucket: "none", vertexAi: false, enqueues: [IMAGE_QUEUE] },
    },
    {
      name: "generateVideo",
      description: "Admits a video request exactly as generateImage does, onto the video queue.",
      trigger: "https",
      ingress: "public",
      methods: ["POST"],
      entryPoint: "src/entries/generate-video.ts",
      serviceAccountId: "fn-generate-video",
      memoryMiB: 512,
      timeoutSeconds: 30,
      minInstances: 0,
      maxInstances: 10,
      concurrency: 80,
      access: { firestore: "readWrite", mediaBucket: "none", vertexAi: false, enqueues: [VIDEO_QUEUE] },
    },
    {
      name: "creativeDirectorAgent",
      description: "Stateless creative-director agent; its tools admit image and video jobs under the caller's quota.",
      trigger: "https",
      ingress: "public",
      methods: ["POST"],
      entryPoint: "src/entries/creative-director-agent.ts",
      model: "agent",
      serviceAccountId: "fn-creative-director",
      memoryMiB: 1024,
      timeoutSeconds: 300,
      minInstances: 0,
      maxInstances: 20,
      concurrency: 20,
      access: {
        firestore: "readWrite",
        mediaBucket: "none",
        vertexAi: true,
        enqueues: [IMAGE_QUEUE, VIDEO_QUEUE],
      },
    },
    {
      name: "getJob",
      description: "Returns one of the caller's jobs, with a short-lived signed URL for finished media.",
      trigger: "https",
      ingress: "public",
      methods: ["GET"],
      entryPoint: "src/entries/get-job.ts",
      serviceAccountId: "fn-get-job",
      memoryMiB: 256,
      timeoutSeconds: 10,
      minInstances: 0,
      maxInstances: 20,
      concurrency: 80,
      access: { firestore: "read", mediaBucket: "sign", vertexAi: false, enqueues: [] },
    },
    {
      name: "getUsage",
      description: "Returns the caller's tier and today's usage and limit per kind.",
      trigger: "https",
      ingress: "public",
      methods: ["GET"],
      entryPoint: "src/entries/get-usage.ts",
      serviceAccountId: "fn-get-usage",
      memoryMiB: 256,
      timeoutSeconds: 10,
      minInstances: 0,
      maxInstances: 10,
      concurrency: 80,
      access: { firestore: "read", mediaBucket: "none", vertexAi: false, enqueues: [] },
    },
    {
      name: "imageWorker",
      description: "Runs image jobs from the image queue: Vertex AI, then the PNG into the media bucket.",
      trigger: "task",
      ingress: "internal",
      drains: [IMAGE_QUEUE],
      entryPoint: "src/entries/image-worker.ts",
      model: "image",
      serviceAccountId: "fn-image-worker",
      memoryMiB: 1024,
      timeoutSeconds: 300,
      minInstances: 0,
      maxInstances: 60,
      concurrency: 10,
      access: { firestore: "readWrite", mediaBucket: "write", vertexAi: true, enqueues: [] },
    },
    {
      name: "videoWorker",
      description: "Starts Veo operations, then polls each with delayed tasks on the poll queue until done.",
      trigger: "task",
      ingress: "internal",
      drains: [VIDEO_QUEUE, VIDEO_POLL_QUEUE],
      entryPoint: "src/entries/video-worker.ts",
      model: "video",
      serviceAccountId: "fn-video-worker",
      memoryMiB: 512,
      timeoutSeconds: 120,
      minInstances: 0,
      maxInstances: 10,
      concurrency: 20,
      access: { firestore: "readWrite", mediaBucket: "read", vertexAi: true, enqueues: [VIDEO_POLL_QUEUE] },
    },
    {
      name: "sweepJobs",
      description: "Cloud Scheduler's sweep: re-enqueues, or fails and refunds, jobs past their deadline.",
      trigger: "schedule",
      ingress: "internal",
      schedulerServiceAccountId: "sweep-scheduler",
      entryPoint: "src/entries/sweep-jobs.ts",
      serviceAccountId: "fn-sweep-jobs",
      memoryMiB: 256,
      // One run reads at most maxJobsPerRun (500) jobs, one conditional transaction and at most one
      // task each: tens of seconds at Firestore's latencies, so 120 s bounds it with room to spare.
      timeoutSeconds: 120,
      minInstances: 0,
      // One sweep at a time: overlapping runs would be safe (every change is conditional) but wasted.
      maxInstances: 1,
      concurrency: 1,
      access: {
        firestore: "readWrite",
        mediaBucket: "none",
        vertexAi: false,
        enqueues: [IMAGE_QUEUE, VIDEO_QUEUE, VIDEO_POLL_QUEUE],
      },
    },
  ],
  queues: [
    {
      name: IMAGE_QUEUE,
      description: "Image jobs at the provisioned image-model rate.",
      maxDispatchesPerSecond: 50,
      maxBurstSize: 50,
      // Little's law: 50/s times ~10 s per image is ~500 in flight.
      maxConcurrentDispatches: 500,
      callsModel: "image",
      retry: { maxAttempts: 8, minBackoff: "2s", maxBackoff: "120s", maxDoublings: 5 },
    },
    {
      name: VIDEO_QUEUE,
      description: "Veo starts, within the video model's per-minute quota together with the polls.",
      // Veo 3.1 allows 50 requests per minute per project; Google does not say whether
      // fetchPredictOperation counts, so the safe reading is that it does: starts and polls share
      // the minute, 0.3/s x 60 + 1 = 19 starts and 0.5/s x 60 + 1 = 31 polls, 50 in all.
      maxDispatchesPerSecond: 0.3,
      maxBurstSize: 1,
      maxConcurrentDispatches: 50,
      callsModel: "video",
      retry: { maxAttempts: 6, minBackoff: "5s", maxBackoff: "300s", maxDoublings: 4 },
    },
    {
      name: VIDEO_POLL_QUEUE,
      description: "Delayed polls of running Veo operations; never waits behind throttled starts.",
      maxDispatchesPerSecond: 0.5,
      maxBurstSize: 1,
      maxConcurrentDispatches: 50,
      callsModel: "video",
      retry: { maxAttempts: 6, minBackoff: "5s", maxBackoff: "300s", maxDoublings: 4 },
    },
  ],
  tasksInvokerServiceAccountId: "tasks-invoker",
  // perMinute: admissions per user per UTC minute across kinds, so a burst (a script, a stuck retry
  // loop) cannot spend a day's quota in seconds. The counter lives on the user's usage document,
  // which sustains about one write a second, so no tier needs more than 60.
  // Source: https://cloud.google.com/firestore/docs/samples/firestore-solution-sharded-counter-custom-type-async
  tiers: {
    free: { image: 20, video: 2, agent: 50, perMinute: 10 },
    pro: { image: 500, video: 40, agent: 1000, perMinute: 30 },
  },
  agent: { maxStepsPerTurn: 6, maxToolCallsPerTurn: 8 },
  // The daily budget is split over 50 shard documents: every admission writes one, and a document
  // sustains about one write a second ("each shard can support being incremented once per second";
  // throughput grows linearly with shards), so 50 shards carry the image queue's 50 admissions a second.
  // Source: https://cloud.google.com/firestore/docs/samples/firestore-solution-sharded-counter-custom-type-async
  // Source: https://firebase.google.com/docs/firestore/solutions/counters
  // An agent turn is reserved as its worst case before it runs: 6 steps, each resending the
  // conversation (at most 48,000 characters, ~12,000 tokens) with instructions and tool results
  // (~4,000 more), and writing ~2,000 tokens including thinking.
  budget: { shards: 50, agentTurnTokens: { input: 6 * 16_000, output: 6 * 2_000 } },
  // Every 5 minutes: a stranded job waits at most one period past its deadline (over an hour, see
  // functions/src/domain/sweep/job-deadline.ts), and a run reads at most 500 jobs.
  sweeper: { schedule: "*/5 * * * *", intervalSeconds: 300, pageSize: 100, maxJobsPerRun: 500, maxRequeues: 1 },
  // Every admission writes a job, a usage and an idempotency document, and every job is updated
  // several times (running, lease, terminal): at the image rate of 50/s that is hundreds of writes
  // a second per collection, and a herd grows it. An indexed field whose value only rises caps a
  // collection at 500 writes/s, so such fields are exempt unless a declared index or query needs
  // them (the definition refuses an exemption that one does).
  // Source: https://firebase.google.com/docs/firestore/solutions/shard-timestamp
  collections: [
    {
      id: "users",
      description:
        "One document per user: `tier` (free|pro; absent means free) and, when an operator suspended the account, `suspended: { reason?, at, by }`. Clients never write it.",
    },
    {
      id: "controls",
      description:
        "Operator switches: `controls/generation` `{ paused: { image, video, agent } }` (the kill switch). Clients neither read nor write it.",
    },
    {
      id: "jobs",
      description: "One document per generation job; the client watches its own.",
      ttlField: "expireAt",
      indexExemptions: [
        { field: "updatedAt", reason: "rises with every write of a job; no query filters or orders on it" },
        { field: "expireAt", reason: "TTL field, creation time plus retention: rises; only the TTL policy reads it" },
        { field: "lease.expiresAt", reason: "now plus the lease, rises; workers read it from the document they hold" },
      ],
      // createdAt stays indexed: both composite indexes below order on it (each led by uid, so
      // their entries spread across users); only its single-field index would hotspot.
      queries: [{ fields: ["uid"], by: "ops smoke clean-up: a test user's jobs" }],
      // The sweeper's query (status in queued/running, createdAt before a cutoff, oldest first) needs
      // the status/createdAt index below. status has few values, so that index's entries rise with
      // createdAt: it caps job creation near 500/s, ten times the image queue's 50/s.
    },
    {
      id: "usage",
      description: "Per user, UTC day and kind: units charged; `{uid}_{day}`.",
      ttlField: "expireAt",
      indexExemptions: [
        { field: "expireAt", reason: "TTL field, the day plus retention: one value a day, rising; only TTL reads it" },
      ],
    },
    {
      id: "budgetShards",
      description:
        "`{day}_{shard}`: the share of the day's global budget reserved on that shard, in micro-USD (`reservedMicroUsd`, refunds deducted), with the cap the admission enforced (`dailyMicroUsd`); written by admissions and refunds only, read by id (operators sum the day's shards). Clients neither read nor write it.",
      ttlField: "expireAt",
      // Every admission increments one shard and every refund decrements one, 50 shards carrying
      // the image queue's 50 admissions a second; the shards are only ever read by id, so no field
      // needs a single-field index and none is kept (each would be rewritten with the document).
      indexExemptions: [
        { field: "reservedMicroUsd", reason: "changes with every admission and refund; read only from the shard" },
        { field: "expireAt", reason: "TTL field, the day plus retention: one value a day, rising; only TTL reads it" },
        { field: "day", reason: "one value a day, rising; shards are read by id, never queried by day" },
        { field: "shard", reason: "part of the document id; no query filters on it" },
        { field: "dailyMicroUsd", reason: "the same cap on every shard of a day; read only from the shard" },
      ],
    },
    {
      id: "idempotencyKeys",
      description: "`{uid}_{key}` -> jobId, so a retried request returns the same job.",
      ttlField: "expireAt",
      indexExemptions: [
        { field: "expireAt", reason: "TTL field, the day plus retention: one value a day, rising; only TTL reads it" },
      ],
      queries: [{ fields: ["uid"], by: "ops smoke clean-up: a test user's idempotency records" }],
    },
  ],
  indexes: [
    {
      collection: "jobs",
      fields: [
        { path: "uid", order: "ASCENDING" },
        { path: "createdAt", order: "DESCENDING" },
      ],
      query: "a user's jobs, newest first",
    },
    {
      collection: "jobs",
      fields: [
        { path: "uid", order: "ASCENDING" },
        { path: "kind", order: "ASCENDING" },
        { path: "createdAt", order: "DESCENDING" },
      ],
      query: "a user's jobs of one kind, newest first",
    },
    {
      collection: "jobs",
      fields: [
        { path: "status", order: "ASCENDING" },
        { path: "createdAt", order: "ASCENDING" },
      ],
      query: "the sweeper: unfinished jobs admitted before a cutoff, oldest first",
    },
  ],
  generationEvent: {
    eventType: "genai.generation",
    fields: {
      event: {
        type: "STRING",
        required: true,
        description: "admitted, rejected, running, retrying, succeeded, failed, agent_turn",
      },
      uid: { type: "STRING", required: true, description: "Firebase user id" },
      tier: { type: "STRING", required: false, description: "free or pro at admission" },
      kind: { type: "STRING", required: true, description: "image, video or agent" },
      model: { type: "STRING", required: false, description: "Vertex AI model id" },
      location: {
        type: "STRING",
        required: false,
        description: "Vertex AI location, on failures the deployment must fix (MODEL_NOT_SERVED)",
      },
      jobId: { type: "STRING", required: false, description: "job document id" },
      status: { type: "STRING", required: true, description: "job status after the event" },
      latencyMs: { type: "INTEGER", required: false, description: "time the step took, or admission to terminal" },
      attempt: { type: "INTEGER", required: false, description: "1-based task delivery attempt" },
      errorCode: { type: "STRING", required: false, description: "stable error code when failed or rejected" },
      trace: { type: "STRING", required: false, description: "Cloud Trace id from X-Cloud-Trace-Context" },
      inputTokens: { type: "INTEGER", required: false, description: "prompt tokens (agent turns)" },
      outputTokens: { type: "INTEGER", required: false, description: "completion tokens (agent turns)" },
      toolCalls: { type: "INTEGER", required: false, description: "tool calls in the turn (agent turns)" },
      estimatedCostUsd: {
        type: "FLOAT",
        required: false,
        description: "estimated model cost in USD, on terminal events (succeeded, failed, agent_turn)",
      },
    },
  },
  models: VERTEX_MODELS,
  defaultModels: DEFAULT_MODELS,
} as const satisfies DeepReadonly<PlatformDefinition>;
