// The composition root: builds every adapter a deployable may need from its RuntimeConfig, lazily.
// In the cloud they talk to Google; with the local endpoints of PLATFORM_ENV=local they talk to the
// local stand-ins through the same SDK code paths.
import { type App, getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { FirebaseIdentityVerifier } from "../adapters/auth/firebase-identity-verifier.ts";
import { FirestoreAdmissionStore } from "../adapters/firestore/firestore-admission-store.ts";
import { FirestoreJobStore } from "../adapters/firestore/firestore-job-store.ts";
import { FirestoreUsageReader } from "../adapters/firestore/firestore-usage-reader.ts";
import { CloudLoggingEventLog } from "../adapters/logging/cloud-logging-event-log.ts";
import { CloudStorageBlobStore } from "../adapters/storage/cloud-storage-blob-store.ts";
import { createStorage, fetchLocalSigner } from "../adapters/storage/storage-client.ts";
import { randomIds, systemClock } from "../adapters/system/system.ts";
import { createCloudTasksClient } from "../adapters/tasks/cloud-tasks-client.ts";
import { CloudTasksQueue } from "../adapters/tasks/cloud-tasks-queue.ts";
import { createGenAi } from "../adapters/vertex/genai-client.ts";
import { VertexImageModel } from "../adapters/vertex/image-model.ts";
import { VeoVideoModel } from "../adapters/vertex/video-model.ts";
import type { RuntimeConfig } from "../config/runtime-config.ts";
import type { AdmissionDeps } from "../domain/admission.ts";
import { MODELS, platform } from "../platform/index.ts";
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
  const identity = new FirebaseIdentityVerifier(() => getAuth(app()));
  const jobs = lazy(() => new FirestoreJobStore(db()));
  const admissions = lazy(() => new FirestoreAdmissionStore(db()));
  const usage = lazy(() => new FirestoreUsageReader(db()));

  const queue = lazy((): TaskQueue => {
    const client = createCloudTasksClient(
      config.local.cloudTasksEndpoint ? { localEndpoint: config.local.cloudTasksEndpoint } : {},
    );
    return new CloudTasksQueue({
      client,
      queues: config.queues,
      invokerEmail: required(config.tasksInvokerEmail, "TASKS_INVOKER_EMAIL"),
    });
  });

  const genai = lazy(() =>
    createGenAi({
      project: config.project,
      location: required(config.vertexLocation, "VERTEX_LOCATION"),
      ...(config.local.vertexBaseUrl ? { baseUrl: config.local.vertexBaseUrl } : {}),
    }),
  );
  const imageModel = lazy(
    (): ImageModel => new VertexImageModel({ genai: genai(), model: MODELS.image, timeoutMs: IMAGE_MODEL_TIMEOUT_MS }),
  );
  const videoModel = lazy((): VideoModel => new VeoVideoModel({ genai: genai(), model: MODELS.video }));

  // The local signer is fetched once (the local store hands its key to local functions only).
  const blobs = lazy((): BlobStore => {
    const bucket = required(config.mediaBucket, "MEDIA_BUCKET");
    const emulator = config.local.storageEmulatorHost;
    if (!emulator) return new CloudStorageBlobStore({ storage: createStorage({ project: config.project }), bucket });
    const store = fetchLocalSigner(emulator).then(
      (signer) =>
        new CloudStorageBlobStore({
          storage: createStorage({ project: config.project, emulatorBaseUrl: emulator, signer }),
          bucket,
        }),
    );
    return {
      put: async (path, data, type) => (await store).put(path, data, type),
      signedReadUrl: async (path, ttl) => (await store).signedReadUrl(path, ttl),
    };
  });

  const limits = config.tierLimits ?? platform.tiers;
  const admission = lazy(
    (): AdmissionDeps => ({ admissions: admissions(), jobs: jobs(), queue: queue(), events, clock, ids, limits }),
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
    queue,
    imageModel,
    videoModel,
    blobs,
    admission,
    limits,
  };
}

export type Services = ReturnType<typeof createServices>;

function required<T>(value: T | undefined, variable: string): T {
  if (value === undefined) throw new Error(`${variable} is not configured for this function`);
  return value;
}
