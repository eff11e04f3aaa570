// The shape of the platform definition. Pure zod: loaded by functions at cold start, by infra and
// by the policy pack, so it must stay free of SDK imports.
import { z } from "zod";

/**
 * Cloud Tasks queue ids: letters, digits, hyphens; at most 100 characters.
 * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#Queue (name)
 */
export const queueNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,99}$/, "queue names are lowercase letters, digits and hyphens");

/**
 * Cloud Functions (Gen 2) names; the Cloud Run service takes the kebab-case form (at most 49
 * characters here, so the service name and its deterministic run.app URL stay within 63).
 * Source: https://cloud.google.com/functions/docs/reference/rest/v2/projects.locations.functions#Function
 */
export const functionNameSchema = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]{0,48}$/, "function names are camelCase letters and digits");

/**
 * IAM service account ids: 6-30 characters, `[a-z][a-z0-9-]*[a-z0-9]`.
 * Source: https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create (accountId)
 */
export const serviceAccountIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "service account ids are 6-30 of [a-z0-9-], starting with a letter");

/**
 * Firestore collection ids: no slashes, not `.`/`..`, not `__*__`, at most 1,500 bytes.
 * Source: https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields
 */
export const collectionIdSchema = z.string().regex(/^[a-z][A-Za-z0-9_]{0,99}$/, "collection ids are short identifiers");

/** Protobuf duration strings as Cloud Tasks and Firestore take them, e.g. `"0.5s"`, `"300s"`. */
export const durationSchema = z.string().regex(/^\d+(\.\d+)?s$/, "durations are seconds, e.g. '10s'");

export const usageKindSchema = z.enum(["image", "video", "agent"]);
export type UsageKind = z.infer<typeof usageKindSchema>;

export const tierNameSchema = z.enum(["free", "pro"]);
export type TierName = z.infer<typeof tierNameSchema>;

const positiveInt = z.number().int().positive();

/** Daily limits per usage kind (UTC day), and the tier's burst limit. */
export const kindLimitsSchema = z.object({
  image: positiveInt,
  video: positiveInt,
  agent: positiveInt,
  /**
   * Admissions per user per UTC minute across kinds (jobs and agent turns). Optional so that a stack
   * override written before it existed still parses; absent, the definition's figure applies.
   */
  perMinute: positiveInt.max(600).optional(),
});
export type KindLimits = z.infer<typeof kindLimitsSchema>;

export const tierLimitsSchema = z
  .object({ free: kindLimitsSchema, pro: kindLimitsSchema })
  .superRefine((tiers, ctx) => {
    for (const kind of usageKindSchema.options) {
      if (tiers.pro[kind] < tiers.free[kind]) {
        ctx.addIssue({
          code: "custom",
          path: ["pro", kind],
          message: `pro.${kind} (${tiers.pro[kind]}) must be at least free.${kind} (${tiers.free[kind]})`,
        });
      }
    }
  });
export type TierLimits = z.infer<typeof tierLimitsSchema>;

export const queueSchema = z.object({
  name: queueNameSchema,
  /** What the queue carries, for humans and the plan. */
  description: z.string().min(1),
  /**
   * Tokens per second the queue dispatches at; the provisioned model rate. At most 500.
   * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#RateLimits
   */
  maxDispatchesPerSecond: z.number().positive().max(500),
  /**
   * Token-bucket size. Cloud Tasks derives it from the rate (an output-only field there);
   * the local dispatcher uses this value, and the plan shows it.
   */
  maxBurstSize: positiveInt,
  /**
   * Tasks in flight at once: bounds worker instances times concurrency. At most 5,000.
   * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#RateLimits
   */
  maxConcurrentDispatches: positiveInt.max(5000),
  /**
   * The kind of model each dispatch calls once, if any: the chosen model's per-minute quota then
   * bounds the queue's rate (with every other queue that calls the same model).
   */
  callsModel: usageKindSchema.optional(),
  retry: z.object({
    /**
     * Total attempts including the first (Cloud Tasks counts it); never unlimited (-1). At most 100.
     * Source: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#RetryConfig
     */
    maxAttempts: positiveInt.max(100),
    minBackoff: durationSchema,
    maxBackoff: durationSchema,
    maxDoublings: z.number().int().min(0).max(16),
  }),
});
export type QueueDefinition = DeepReadonly<z.infer<typeof queueSchema>>;

/** Access a function needs; infra turns each entry into the narrowest IAM grant. */
export const accessSchema = z.object({
  /** Firestore: `read` for status endpoints, `readWrite` for admission and workers. */
  firestore: z.enum(["none", "read", "readWrite"]),
  /** Media bucket: `read`, `write`, `readWrite`, and `sign` (read plus self-signed URLs). */
  mediaBucket: z.enum(["none", "read", "write", "readWrite", "sign"]),
  /** Calls Vertex AI models (project-level `aiplatform.user`, no narrower scope exists). */
  vertexAi: z.boolean(),
  /** Queues this function creates tasks on (enqueuer on each queue, actAs the tasks invoker). */
  enqueues: z.array(queueNameSchema),
});
export type Access = DeepReadonly<z.infer<typeof accessSchema>>;

/** A Vertex AI location: `global` or a region such as `us-central1`. */
export const vertexLocationSchema = z
  .string()
  .regex(/^(global|[a-z]+-[a-z]+\d+)$/, "Vertex AI locations are `global` or a region such as us-central1");

const usd = z.number().positive().max(1000);
/** Where a price was read, when, and what to know about it. */
const priceSource = {
  /** The page the figures were read on. */
  source: z.url(),
  /** Day the figures were read, `YYYY-MM-DD`: prices change, and this says how old they are. */
  readOn: z.iso.date(),
  /** Set when the figure is not from a Google page or is a safe (high) choice between readings. */
  flag: z.string().min(1).optional(),
};

/**
 * What Google charges per unit of a model's output, in USD: per output image (by requested size),
 * per second of output video (with or without generated audio), or per 1M input and output tokens.
 */
export const modelPriceSchema = z.discriminatedUnion("unit", [
  z.strictObject({
    unit: z.literal("image"),
    usdPerImage: z.strictObject({ "1K": usd, "2K": usd, "4K": usd }),
    ...priceSource,
  }),
  z.strictObject({
    unit: z.literal("second"),
    usdPerSecond: z.strictObject({ withAudio: usd, withoutAudio: usd }),
    ...priceSource,
  }),
  z.strictObject({
    unit: z.literal("token"),
    usdPerMillionInputTokens: usd,
    usdPerMillionOutputTokens: usd,
    ...priceSource,
  }),
]);
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** Quota Google states for a model, per project. */
export const modelQuotaSchema = z.object({
  /** Served from Google's shared pool (Dynamic Shared Quota): no per-project limit, 429s possible at any load. */
  sharedPool: z.boolean(),
  /** Requests per minute per project, where Google publishes one. */
  requestsPerMinute: positiveInt.optional(),
});

export const vertexModelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "model ids are lowercase, e.g. gemini-3-pro-image-preview"),
  kind: usageKindSchema,
  stage: z.enum(["preview", "ga"]),
  /** The locations Google serves the model in; anything else answers 404 NOT_FOUND. */
  locations: z.array(vertexLocationSchema).min(1),
  quota: modelQuotaSchema,
  /**
   * Expected seconds one dispatch holds a worker slot calling this model (one image; one Veo start
   * or poll, the video renders between polls; one agent step): Little's law turns a queue's rate
   * into requests in flight with it.
   */
  latencySeconds: z.number().positive(),
  /** Where `latencySeconds` comes from: a Google page, or the assumption it is. */
  latencyBasis: z.string().min(1),
  /** The Google page the row comes from. */
  source: z.url(),
  /** What one unit of output costs; the admission's cost estimate and the daily budget rest on it. */
  price: modelPriceSchema,
});
export type VertexModelDefinition = DeepReadonly<z.infer<typeof vertexModelSchema>>;

export const modelChoiceSchema = z.object({ id: z.string().min(1), location: vertexLocationSchema });
export type ModelChoice = z.infer<typeof modelChoiceSchema>;
export const modelChoicesSchema = z.object({
  image: modelChoiceSchema,
  video: modelChoiceSchema,
  agent: modelChoiceSchema,
});
export type ModelChoices = z.infer<typeof modelChoicesSchema>;

const functionBase = {
  name: functionNameSchema,
  description: z.string().min(1),
  /** Module under `functions/` that registers this function with functions-framework. */
  entryPoint: z.string().regex(/^src\/.+\.ts$/),
  /** The kind of model the function calls (the stack chooses which model of that kind), if any. */
  model: z.enum(["image", "video", "agent"]).optional(),
  serviceAccountId: serviceAccountIdSchema,
  memoryMiB: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]),
  // HTTP functions (Gen 2) time out after at most 60 minutes.
  // Source: https://cloud.google.com/functions/docs/configuring/timeout
  timeoutSeconds: positiveInt.max(3600),
  minInstances: z.number().int().min(0),
  maxInstances: positiveInt,
  /**
   * Requests one instance serves at once (Gen 2 request concurrency; needs >= 1 vCPU above 1; at most 1,000).
   * Source: https://cloud.google.com/functions/docs/configuring/concurrency
   */
  concurrency: positiveInt.max(1000),
  access: accessSchema,
};

export const httpsFunctionSchema = z.object({
  ...functionBase,
  trigger: z.literal("https"),
  /** Public functions allow all users to invoke; the code checks the Firebase ID token. */
  ingress: z.literal("public"),
  /** HTTP methods the endpoint answers (besides CORS preflight). */
  methods: z.array(z.enum(["GET", "POST"])).min(1),
});

export const taskFunctionSchema = z.object({
  ...functionBase,
  trigger: z.literal("task"),
  /** Workers accept internal traffic only, and only the tasks invoker identity may call them. */
  ingress: z.literal("internal"),
  /** The queues whose tasks this worker handles (each queue has exactly one worker). */
  drains: z.array(queueNameSchema).min(1),
});

/**
 * A function Cloud Scheduler calls on the `sweeper` block's schedule (an HTTP target with an OIDC
 * token): internal ingress, and only the scheduler's own identity may invoke it.
 */
export const scheduleFunctionSchema = z.object({
  ...functionBase,
  trigger: z.literal("schedule"),
  ingress: z.literal("internal"),
  /** Service account whose OIDC token Cloud Scheduler attaches; the function's only invoker. */
  schedulerServiceAccountId: serviceAccountIdSchema,
});

export const functionSchema = z.discriminatedUnion("trigger", [
  httpsFunctionSchema,
  taskFunctionSchema,
  scheduleFunctionSchema,
]);
export type FunctionDefinition = DeepReadonly<z.infer<typeof functionSchema>>;
export type HttpsFunctionDefinition = DeepReadonly<z.infer<typeof httpsFunctionSchema>>;
export type TaskFunctionDefinition = DeepReadonly<z.infer<typeof taskFunctionSchema>>;
export type ScheduleFunctionDefinition = DeepReadonly<z.infer<typeof scheduleFunctionSchema>>;

export const indexSchema = z.object({
  collection: collectionIdSchema,
  fields: z.array(z.object({ path: z.string().min(1), order: z.enum(["ASCENDING", "DESCENDING"]) })).min(2),
  /** Why the index exists: the query that needs it. */
  query: z.string().min(1),
});
export type IndexDefinition = DeepReadonly<z.infer<typeof indexSchema>>;

/**
 * A field Firestore must not index on its own. With a monotonically increasing value indexed, a
 * collection takes at most 500 writes per second.
 * Source: https://firebase.google.com/docs/firestore/solutions/shard-timestamp
 */
export const indexExemptionSchema = z.strictObject({
  /** Field path (`lease.expiresAt` for a map's subfield). */
  field: z.string().min(1),
  /** Why no query needs it, and why indexing it would hurt. */
  reason: z.string().min(1),
});
export type IndexExemption = z.infer<typeof indexExemptionSchema>;

/** A query the code runs on one collection that a single-field index serves. */
export const singleFieldQuerySchema = z.strictObject({
  /** Fields it filters or orders on. */
  fields: z.array(z.string().min(1)).min(1),
  /** Who runs it. */
  by: z.string().min(1),
});

export const collectionSchema = z.object({
  id: collectionIdSchema,
  description: z.string().min(1),
  /** Timestamp field Firestore's TTL policy deletes documents by, if any. */
  ttlField: z.string().optional(),
  /** Fields written at a high rate that no query needs: no single-field index. Default: none. */
  indexExemptions: z.array(indexExemptionSchema).optional(),
  /** Single-field queries the code runs (composite ones are `indexes`). Default: none. */
  queries: z.array(singleFieldQuerySchema).optional(),
});
export type CollectionDefinition = DeepReadonly<z.infer<typeof collectionSchema>>;

export const logFieldSchema = z.object({
  type: z.enum(["STRING", "INTEGER", "FLOAT", "TIMESTAMP"]),
  description: z.string().min(1),
  /** Present on every event of this type. */
  required: z.boolean(),
});

export const logEventSchema = z.object({
  /** Value of `jsonPayload.eventType`; the log sink selects exactly this. */
  eventType: z.string().regex(/^[a-z][a-z0-9_.]*$/),
  fields: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/), logFieldSchema),
});
export type LogEventDefinition = DeepReadonly<z.infer<typeof logEventSchema>>;

/** Bounds of one creative-director turn: what a hostile or looping model can make one turn cost. */
export const agentLimitsSchema = z.strictObject({
  /** Model steps per turn (each tool round trip is one). */
  maxStepsPerTurn: z.number().int().min(1).max(20),
  /** Tool calls per turn across all steps (one step may carry many); past it a tool answers an error. */
  maxToolCallsPerTurn: z.number().int().min(1).max(50),
});

/** The global daily budget: how its reservations are spread, and what an agent turn is assumed to cost. */
export const budgetSchema = z.strictObject({
  /** Documents the day's budget is split over; each admission writes one (more only near exhaustion). */
  shards: z.number().int().min(1).max(500),
  /** Tokens one agent turn is assumed to use, reserved before the turn runs (its real use is unknown then). */
  agentTurnTokens: z.strictObject({ input: positiveInt, output: positiveInt }),
});
export type BudgetDefinition = z.infer<typeof budgetSchema>;

/** The sweeper: finds jobs past their deadline, re-enqueues or fails and refunds them. */
export const sweeperSchema = z.strictObject({
  /**
   * Cloud Scheduler's unix-cron schedule of a sweep, e.g. every five minutes.
   * Source: https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules
   */
  schedule: z.string().regex(/^(\S+\s+){4}\S+$/, "a unix-cron schedule has five fields"),
  /** The schedule's period in seconds: the local platform sweeps at this interval. */
  intervalSeconds: positiveInt.max(3600),
  /** Jobs read per query page. */
  pageSize: positiveInt.max(500),
  /** Jobs examined per run at most, so one run stays well inside the function's timeout. */
  maxJobsPerRun: positiveInt.max(5000),
  /** Times the sweeper re-enqueues one job before it fails and refunds it instead. */
  maxRequeues: z.number().int().min(0).max(3),
});
export type SweeperDefinition = z.infer<typeof sweeperSchema>;

export const platformSchema = z.object({
  functions: z.array(functionSchema).min(1),
  queues: z.array(queueSchema).min(1),
  /** Service account Cloud Tasks uses to sign the OIDC token it sends workers. */
  tasksInvokerServiceAccountId: serviceAccountIdSchema,
  tiers: tierLimitsSchema,
  agent: agentLimitsSchema,
  budget: budgetSchema,
  sweeper: sweeperSchema,
  collections: z.array(collectionSchema).min(1),
  indexes: z.array(indexSchema),
  generationEvent: logEventSchema,
  /** The Vertex AI models a stack may choose, with where Google serves them and their quota. */
  models: z.array(vertexModelSchema).min(1),
  /** The model each kind calls unless the stack overrides it. */
  defaultModels: modelChoicesSchema,
});
export type PlatformDefinition = z.infer<typeof platformSchema>;

/** The definition as written in source: literal and readonly, checked against the schema's shape. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
