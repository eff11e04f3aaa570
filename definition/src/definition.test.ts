import { describe, expect, it } from "vitest";
import { definition } from "./definition.ts";
import {
  generationLogFilter,
  PlatformDefinitionError,
  platform,
  queueEnvKeys,
  serviceName,
  usageKindSchema,
  validatePlatform,
} from "./index.ts";

/** A mutable deep copy of the real definition, for breaking one thing at a time. */
function copy(): any {
  return structuredClone(definition);
}

function issuesOf(input: unknown): string[] {
  try {
    validatePlatform(input);
    return [];
  } catch (error) {
    if (error instanceof PlatformDefinitionError) return [...error.issues];
    throw error;
  }
}

describe("the platform definition", () => {
  it("validates as written", () => {
    expect(issuesOf(definition)).toEqual([]);
  });

  it("declares the five HTTPS endpoints, the two workers and the scheduled sweeper", () => {
    const https = platform.functions.filter((f) => f.trigger === "https").map((f) => f.name);
    const tasks = platform.functions.filter((f) => f.trigger === "task").map((f) => f.name);
    const scheduled = platform.functions.filter((f) => f.trigger === "schedule").map((f) => f.name);
    expect(https.sort()).toEqual(["creativeDirectorAgent", "generateImage", "generateVideo", "getJob", "getUsage"]);
    expect(tasks.sort()).toEqual(["imageWorker", "videoWorker"]);
    expect(scheduled).toEqual(["sweepJobs"]);
  });

  it("runs one sweep at a time, internal only, enqueuing onto every queue it re-enqueues to", () => {
    const sweeper = platform.functions.find((f) => f.name === "sweepJobs");
    expect(sweeper).toMatchObject({ ingress: "internal", maxInstances: 1, concurrency: 1, memoryMiB: 256 });
    expect([...(sweeper?.access.enqueues ?? [])].sort()).toEqual(["image-jobs", "video-jobs", "video-polls"]);
    expect(sweeper?.access.firestore).toBe("readWrite");
  });

  it("gives every queue exactly one worker and every worker exactly one queue", () => {
    for (const queue of platform.queues) {
      const consumers = platform.functions.filter(
        (f) => f.trigger === "task" && (f.drains as readonly string[]).includes(queue.name),
      );
      expect(consumers, queue.name).toHaveLength(1);
    }
  });

  it("only enqueues to declared queues", () => {
    const queues = new Set(platform.queues.map((q) => q.name));
    for (const fn of platform.functions) {
      for (const target of fn.access.enqueues) expect(queues.has(target), `${fn.name} -> ${target}`).toBe(true);
    }
  });

  it("provisions the image queue at 50 dispatches per second", () => {
    expect(platform.queues.find((q) => q.name === "image-jobs")?.maxDispatchesPerSecond).toBe(50);
  });

  it("gives Pro at least Free's limit for every kind", () => {
    for (const kind of usageKindSchema.options) {
      expect(platform.tiers.pro[kind]).toBeGreaterThanOrEqual(platform.tiers.free[kind]);
      expect(platform.tiers.free[kind]).toBeGreaterThan(0);
    }
  });

  it("keeps workers and the sweeper internal and public functions public", () => {
    for (const fn of platform.functions) expect(fn.ingress).toBe(fn.trigger === "https" ? "public" : "internal");
  });

  it("derives names infra and code share", () => {
    expect(serviceName("creativeDirectorAgent")).toBe("creative-director-agent");
    expect(queueEnvKeys("image-jobs")).toEqual({ path: "IMAGE_JOBS_QUEUE_PATH", workerUrl: "IMAGE_JOBS_WORKER_URL" });
    expect(generationLogFilter()).toContain(`jsonPayload.eventType="${platform.generationEvent.eventType}"`);
  });
});

describe("validation rejects a broken definition", () => {
  const cases: Array<[string, (d: any) => void, RegExp]> = [
    [
      "a queue with two consumers",
      (d) => {
        d.functions.find((f: any) => f.name === "videoWorker").drains.push("image-jobs");
      },
      /image-jobs: has 2 consumers/,
    ],
    [
      "a queue that outruns its model's per-minute quota",
      (d) => {
        d.queues.find((q: any) => q.name === "video-jobs").maxDispatchesPerSecond = 1;
      },
      /queues video-jobs \(1\/s, burst 1\) \+ video-polls \(0\.5\/s, burst 1\) may dispatch 92 requests a minute to veo-3\.1-generate-001, whose quota is 50 per minute/,
    ],
    [
      "a default model in a location Google does not serve it in",
      (d) => {
        d.defaultModels.video = { id: "veo-3.1-generate-001", location: "global" };
      },
      /defaultModels\.video\.location: veo-3\.1-generate-001 is not served in "global" \(served in: us-central1\)/,
    ],
    [
      "a default model the catalog does not know",
      (d) => {
        d.defaultModels.agent = { id: "gemini-3-pro-preview", location: "global" };
      },
      /defaultModels\.agent\.id: "gemini-3-pro-preview" is not a known agent model/,
    ],
    [
      "a queue with no consumer",
      (d) => {
        d.queues.push({ ...d.queues[0], name: "orphan-jobs" });
      },
      /orphan-jobs: has 0 consumers/,
    ],
    [
      "an enqueue to an undeclared queue",
      (d) => {
        d.functions[0].access.enqueues = ["nowhere"];
      },
      /generateImage\.access\.enqueues: queue "nowhere" is not declared/,
    ],
    [
      "a worker draining an undeclared queue",
      (d) => {
        d.functions.find((f: any) => f.name === "imageWorker").drains = ["nowhere"];
      },
      /imageWorker\.drains: queue "nowhere" is not declared/,
    ],
    [
      "a service account id that is too short",
      (d) => {
        d.functions[0].serviceAccountId = "fn";
      },
      /serviceAccountId: service account ids are 6-30/,
    ],
    [
      "a service account id that is too long",
      (d) => {
        d.functions[0].serviceAccountId = "fn-a-very-long-service-account-id";
      },
      /serviceAccountId/,
    ],
    [
      "a service account id with capitals",
      (d) => {
        d.functions[0].serviceAccountId = "Fn-generate";
      },
      /serviceAccountId/,
    ],
    [
      "a shared service account",
      (d) => {
        d.functions[1].serviceAccountId = d.functions[0].serviceAccountId;
      },
      /"fn-generate-image" is used twice/,
    ],
    [
      "the tasks invoker reused by a function",
      (d) => {
        d.functions[0].serviceAccountId = d.tasksInvokerServiceAccountId;
      },
      /"tasks-invoker" is used twice/,
    ],
    [
      "a function name with a hyphen",
      (d) => {
        d.functions[0].name = "generate-image";
      },
      /functions\.0\.name/,
    ],
    [
      "a queue name with an underscore",
      (d) => {
        d.queues[0].name = "image_jobs";
      },
      /queues\.0\.name/,
    ],
    [
      "a collection id with a slash",
      (d) => {
        d.collections[0].id = "users/x";
      },
      /collections\.0\.id/,
    ],
    [
      "Pro below Free",
      (d) => {
        d.tiers.pro.video = 1;
      },
      /pro\.video \(1\) must be at least free\.video \(2\)/,
    ],
    [
      "a zero limit",
      (d) => {
        d.tiers.free.image = 0;
      },
      /tiers\.free\.image/,
    ],
    [
      "a zero rate",
      (d) => {
        d.queues[0].maxDispatchesPerSecond = 0;
      },
      /queues\.0\.maxDispatchesPerSecond/,
    ],
    [
      "unlimited retries",
      (d) => {
        d.queues[0].retry.maxAttempts = -1;
      },
      /queues\.0\.retry\.maxAttempts/,
    ],
    [
      "minInstances above maxInstances",
      (d) => {
        d.functions[0].minInstances = 50;
      },
      /minInstances \(50\) exceeds maxInstances/,
    ],
    [
      "a public worker",
      (d) => {
        d.functions.find((f: any) => f.name === "imageWorker").ingress = "public";
      },
      /ingress/,
    ],
    [
      "no schedule function",
      (d) => {
        d.functions = d.functions.filter((f: any) => f.trigger !== "schedule");
      },
      /functions: 0 schedule functions; exactly one runs the sweeper's schedule/,
    ],
    [
      "two schedule functions",
      (d) => {
        const sweeper = d.functions.find((f: any) => f.name === "sweepJobs");
        d.functions.push({
          ...sweeper,
          name: "sweepAgain",
          entryPoint: "src/entries/sweep-again.ts",
          serviceAccountId: "fn-sweep-again",
          schedulerServiceAccountId: "sweep-again-scheduler",
        });
      },
      /functions: 2 schedule functions; exactly one runs the sweeper's schedule/,
    ],
    [
      "a sweeper that cannot re-enqueue video polls",
      (d) => {
        d.functions.find((f: any) => f.name === "sweepJobs").access.enqueues = ["image-jobs", "video-jobs"];
      },
      /sweepJobs\.access\.enqueues: lacks "video-polls", which the sweeper re-enqueues onto/,
    ],
    [
      "a sweeper with read-only Firestore",
      (d) => {
        d.functions.find((f: any) => f.name === "sweepJobs").access.firestore = "read";
      },
      /sweepJobs\.access\.firestore: the sweeper fails and refunds jobs, so it needs readWrite/,
    ],
    [
      "a sweeper that outlasts Cloud Scheduler's attempt deadline",
      (d) => {
        d.functions.find((f: any) => f.name === "sweepJobs").timeoutSeconds = 2400;
      },
      /sweepJobs\.timeoutSeconds: 2400 exceeds Cloud Scheduler's 1800 s attempt deadline/,
    ],
    [
      "the scheduler identity reused by a function",
      (d) => {
        d.functions[0].serviceAccountId = "sweep-scheduler";
      },
      /"sweep-scheduler" is used twice/,
    ],
    [
      "a public sweeper",
      (d) => {
        d.functions.find((f: any) => f.name === "sweepJobs").ingress = "public";
      },
      /ingress/,
    ],
    [
      "an index on an undeclared collection",
      (d) => {
        d.indexes[0].collection = "ghosts";
      },
      /collection "ghosts" is not declared/,
    ],
    [
      "a model without Vertex AI access",
      (d) => {
        d.functions.find((f: any) => f.name === "imageWorker").access.vertexAi = false;
      },
      /imageWorker: has a model but no vertexAi access/,
    ],
    [
      "an exemption of a field a composite index orders on",
      (d) => {
        d.collections.find((c: any) => c.id === "jobs").indexExemptions.push({ field: "createdAt", reason: "x" });
      },
      /jobs\.indexExemptions: "createdAt" is needed by indexes\[0\] \(a user's jobs, newest first\)/,
    ],
    [
      "an exemption of a field a single-field query filters on",
      (d) => {
        d.collections.find((c: any) => c.id === "jobs").indexExemptions.push({ field: "uid", reason: "x" });
      },
      /jobs\.indexExemptions: "uid" is needed by a query \(ops smoke clean-up: a test user's jobs\)/,
    ],
    [
      "a field exempted twice",
      (d) => {
        d.collections.find((c: any) => c.id === "usage").indexExemptions.push({ field: "expireAt", reason: "x" });
      },
      /usage\.indexExemptions: "expireAt" is exempted twice/,
    ],
    [
      "a worker too small for its queue's rate times the model's latency",
      (d) => {
        d.functions.find((f: any) => f.name === "imageWorker").maxInstances = 40;
      },
      /functions\.imageWorker: maxInstances x concurrency \(40 x 10 = 400\) cannot sustain .*\(500 in flight\)/,
    ],
    [
      "a queue whose concurrent dispatches are below rate times latency",
      (d) => {
        d.queues.find((q: any) => q.name === "image-jobs").maxConcurrentDispatches = 499;
      },
      /queues\.image-jobs: maxConcurrentDispatches 499 is below rate x latency \(50\/s x 10 s = 500 in flight\)/,
    ],
    [
      "a slower model than the workers were sized for",
      (d) => {
        d.models.find((m: any) => m.id === "gemini-3-pro-image-preview").latencySeconds = 13;
      },
      /functions\.imageWorker: .*\(650 in flight\)/,
    ],
  ];

  it.each(cases)("%s", (_label, mutate, expected) => {
    const broken = copy();
    mutate(broken);
    const issues = issuesOf(broken);
    expect(issues.join("\n")).toMatch(expected);
  });
});
