// The composition root: builds every adapter a deployable may need from its RuntimeConfig, lazily.
// In the cloud they talk to Google; with the local endpoints of PLATFORM_ENV=local they talk to the
// local stand-ins through the same SDK code paths.

import { MODELS, platform } from "@genai-platform/definition";
import type { RuntimeConfig } from "@genai-platform/definition/runtime-config";
import { type App, getApps, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { FirebaseAppCheckVerifier } from "../adapters/app-check/firebase-app-check-verifier.ts";
import { FirebaseIdentityVerifier } from "../adapters/auth/firebase-identity-verifier.ts";
import { FirestoreAccessControls } from "../adapters/firestore/firestore-access-controls.ts";
import { FirestoreAdmissionStore } from "../adapters/firestore/firestore-admission-store.ts";
import { FirestoreJobStore } from "../adapters/firestore/firestore-job-store.ts";
import { FirestoreUsageReader } from "../adapters/firestore/firestore-usage-reader.ts";
import { CloudLoggingEventLog, traceField } from "../adapters/logging/cloud-logging-event-log.ts";
import { randomIds, systemClock } from "../adapters/system/system.ts";
import type { AccessGateDeps } from "../domain/access-policy.ts";
import type { AdmissionDeps } from "../domain/admission.ts";
import type { AppCheckGate } from "../domain/app-check-gate.ts";
import type { BlobStore, Clock, EventLog, IdGenerator, ImageModel, TaskQueue, VideoModel } from "../ports/index.ts";
import { lazy } from "./lazy.ts";

/** Image generation answers in seconds; past this the attempt is retried rather than awaited. */
export const IMAGE_MODEL_TIMEOUT_MS = 90_000;

export function createServices(config: RuntimeConfig) {
  const app = lazy(
    (): App =>
      getApps().find((a) => a.name === config.functionName) ??
      initializeApp({ projectId: config.project }, config.functionName),
  );
  const db = lazy(() => getFirestore(app()));
  const clock: Clock = systemClock;
  const ids: IdGenerator = randomIds;
  const events: EventLog = new CloudLoggingEventLog({ project: config.project });
  // firebase-admin/auth is loaded only for the revocation check of the spending endpoints.
  const identity = new FirebaseIdentityVerifier(async () => (await import("firebase-admin/auth")).getAuth(app()), {
    projectId: config.project,
  });
  const jobs = lazy(() => new FirestoreJobStore(db()));
  const admissions = lazy(() => new FirestoreAdmissionStore(db()));
  const usage = lazy(() => new FirestoreUsageReader(db()));
  const controls = new FirestoreAccessControls(db);
  const access: AccessGateDeps = {
    policy: {
      ...(config.signInProviders ? { providers: config.signInProviders } : {}),
      requireEmailVerified: config.requireEmailVerified ?? false,
    },
    controls,
    ...(config.appCheckMode && config.appCheckMode !== "off" ? { appCheck: appCheckGate(config) } : {}),
  };

  // Cloud Tasks, Vertex AI and Storage SDKs are imported on first use, not at start: most
  // deployables need one of them or none, and each costs ~100-170 ms of module loading.
  const queue = lazy((): TaskQueue => {
    const load = once(async () => {
      const [{ createCloudTasksClient }, { CloudTasksQueue }] = await Promise.all([
        import("../adapters/tasks/cloud-tasks-client.ts"),
        import("../adapters/tasks/cloud-tasks-queue.ts"),
      ]);
      const client = createCloudTasksClient(
        config.local.cloudTasksEndpoint ? { localEndpoint: config.local.cloudTasksEndpoint } : {},
      );
      return new CloudTasksQueue({
        client,
        queues: config.queues,
        invokerEmail: required(config.tasksInvokerEmail, "TASKS_INVOKER_EMAIL"),
      });
    });
    return { enqueue: async (name, task) => (await load()).enqueue(name, task) };
  });

  // One Gen AI client per kind: each model is served from its own location (Veo regionally, the
  // Gemini 3 previews on the global endpoint), and the client binds its location at creation.
  const models = () => required(config.models, "VERTEX_MODELS");
  const genaiFor = (kind: "image" | "video") =>
    once(async () => {
      const { createGenAi } = await import("../adapters/vertex/genai-client.ts");
      return createGenAi({
        project: config.project,
        location: models()[kind].location,
        ...(config.local.vertexBaseUrl ? { baseUrl: config.local.vertexBaseUrl } : {}),
      });
    });
  const imageGenai = genaiFor("image");
  const videoGenai = genaiFor("video");
  const imageModel = lazy((): ImageModel => {
    const load = once(async () => {
      const { VertexImageModel } = await import("../adapters/vertex/image-model.ts");
      const { id, location } = models().image;
      return new VertexImageModel({
        genai: await imageGenai(),
        model: id,
        location,
        timeoutMs: IMAGE_MODEL_TIMEOUT_MS,
      });
    });
    return { generate: async (request, options) => (await load()).generate(request, options) };
  });
  const videoModel = lazy((): VideoModel => {
    const load = once(async () => {
      const { VeoVideoModel } = await import("../adapters/vertex/video-model.ts");
      const { id, location } = models().video;
      return new VeoVideoModel({ genai: await videoGenai(), model: id, location });
    });
    return {
      start: async (request, options) => (await load()).start(request, options),
      poll: async (operation, options) => (await load()).poll(operation, options),
    };
  });

  const blobs = lazy((): BlobStore => {
    const load = once(async () => {
      const [{ CloudStorageBlobStore }, { createStorage, fetchLocalSigner }] = await Promise.all([
        import("../adapters/storage/cloud-storage-blob-store.ts"),
        import("../adapters/storage/storage-client.ts"),
      ]);
      const bucket = required(config.mediaBucket, "MEDIA_BUCKET");
      const emulator = config.local.storageEmulatorHost;
      // The local store hands its signing key to local functions only; deployed ones sign through IAM.
      const storage = emulator
        ? createStorage({
            project: config.project,
            emulatorBaseUrl: emulator,
            signer: await fetchLocalSigner(emulator),
          })
        : createStorage({ project: config.project });
      return new CloudStorageBlobStore({ storage, bucket });
    });
    return {
      put: async (path, data, type) => (await load()).put(path, data, type),
      signedReadUrl: async (path, ttl) => (await load()).signedReadUrl(path, ttl),
    };
  });

  const limits = config.tierLimits ?? platform.tiers;
  const budget =
    config.dailyBudgetMicroUsd !== undefined
      ? { dailyMicroUsd: config.dailyBudgetMicroUsd, shards: platform.budget.shards }
      : undefined;
  const admission = lazy(
    (): AdmissionDeps => ({
      admissions: admissions(),
      jobs: jobs(),
      queue: queue(),
      events,
      clock,
      ids,
      limits,
      ...(budget ? { budget } : {}),
      models: config.models ? { image: config.models.image.id, video: config.models.video.id } : MODELS,
    }),
  );

  return {
    config,
    clock,
    ids,
    events,
    identity,
    db,
    jobs,
    admissions,
    usage,
    access,
    queue,
    imageModel,
    videoModel,
    blobs,
    admission,
    limits,
    budget,
  };
}

export type Services = ReturnType<typeof createServices>;

/** App Check as the stack configures it; the loader guarantees a project number unless it is off. */
function appCheckGate(config: RuntimeConfig): AppCheckGate {
  const verifier = new FirebaseAppCheckVerifier({
    projectId: config.project,
    projectNumber: required(config.projectNumber, "PROJECT_NUMBER"),
    ...(config.local.appCheckBaseUrl ? { baseUrl: config.local.appCheckBaseUrl } : {}),
  });
  return {
    mode: config.appCheckMode ?? "off",
    consume: config.appCheckConsume ?? false,
    verifier,
    // WARNING, not ERROR: in monitor mode an unattested request is what is being measured, not a fault.
    warn: (outcome) =>
      process.stdout.write(
        `${JSON.stringify({
          severity: "WARNING",
          message: `App Check would refuse this request (${outcome.code}): ${outcome.message}`,
          appCheck: { mode: "monitor", code: outcome.code },
          function: config.functionName,
          uid: outcome.uid,
          ...(outcome.trace ? traceField(config.project, outcome.trace) : {}),
        })}\n`,
      ),
  };
}

/** Memoizes an async factory; a failed attempt is not kept, so the next call tries again. */
function once<T>(create: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= create().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

function required<T>(value: T | undefined, variable: string): T {
  if (value === undefined) throw new Error(`${variable} is not configured for this function`);
  return value;
}
