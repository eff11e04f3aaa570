// The media bucket (generated images and videos, handed out as signed URLs), the bucket that holds
// the functions' source bundles, and the registry of built function images. All private.
import { mediaBucketCors } from "@genai-platform/definition";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface StorageArgs {
  /** Project of the buckets; bucket names are derived from it (globally unique). */
  project: string;
  /** Bucket location (the functions' region keeps media close to the workers). */
  location: string;
  /** Days before generated media are deleted by the lifecycle rule. */
  mediaRetentionDays: number;
  /** Origins allowed to fetch media by CORS (the web app's). */
  webOrigins: readonly string[];
  /** Labels for both buckets (env, managed-by). */
  labels: Record<string, string>;
  /** Lets `pulumi destroy` remove buckets that still hold objects. Default: false. */
  forceDestroy?: boolean;
}

export class Storage extends pulumi.ComponentResource {
  readonly mediaBucket: gcp.storage.Bucket;
  readonly sourceBucket: gcp.storage.Bucket;
  /** Docker repository the function builds push to (instead of the implicit `gcf-artifacts`). */
  readonly imageRepository: gcp.artifactregistry.Repository;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Storage", name, {}, opts);
    const normalized = normalizeStorageArgs(args);
    this.mediaBucket = createMediaBucket(this, name, normalized);
    this.sourceBucket = createSourceBucket(this, name, normalized);
    this.imageRepository = createImageRepository(this, name, normalized);
    this.registerOutputs({
      mediaBucket: this.mediaBucket.name,
      sourceBucket: this.sourceBucket.name,
      imageRepository: this.imageRepository.repositoryId,
    });
  }
}

type Normalized = ReturnType<typeof normalizeStorageArgs>;

function normalizeStorageArgs(args: StorageArgs) {
  if (!Number.isInteger(args.mediaRetentionDays) || args.mediaRetentionDays < 1) {
    throw new Error(`Storage: mediaRetentionDays must be a positive integer, got ${args.mediaRetentionDays}`);
  }
  return {
    ...args,
    forceDestroy: args.forceDestroy ?? false,
    mediaName: `${args.project}-media`,
    sourceName: `${args.project}-fn-source`,
  };
}

const privateBucket = {
  uniformBucketLevelAccess: true,
  publicAccessPrevention: "enforced",
} as const;

function createMediaBucket(parent: pulumi.Resource, prefix: string, args: Normalized): gcp.storage.Bucket {
  return new gcp.storage.Bucket(
    `${prefix}-media`,
    {
      project: args.project,
      name: args.mediaName,
      location: args.location,
      ...privateBucket,
      forceDestroy: args.forceDestroy,
      lifecycleRules: [{ action: { type: "Delete" }, condition: { age: args.mediaRetentionDays } }],
      // Browsers fetch signed URLs directly from the bucket.
      cors: mediaBucketCors(args.webOrigins).map((rule) => ({
        origins: [...rule.origins],
        methods: [...rule.methods],
        responseHeaders: [...rule.responseHeaders],
        maxAgeSeconds: rule.maxAgeSeconds,
      })),
      labels: { ...args.labels, purpose: "media" },
    },
    { parent },
  );
}

/** Old bundles are kept for 30 days so a rollback can still point at them. */
function createSourceBucket(parent: pulumi.Resource, prefix: string, args: Normalized): gcp.storage.Bucket {
  return new gcp.storage.Bucket(
    `${prefix}-fn-source`,
    {
      project: args.project,
      name: args.sourceName,
      location: args.location,
      ...privateBucket,
      forceDestroy: args.forceDestroy,
      versioning: { enabled: true },
      lifecycleRules: [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30 } }],
      labels: { ...args.labels, purpose: "function-source" },
    },
    { parent },
  );
}

/** Every deploy pushes a new image; only the last few are kept for rollbacks. */
function createImageRepository(
  parent: pulumi.Resource,
  prefix: string,
  args: Normalized,
): gcp.artifactregistry.Repository {
  return new gcp.artifactregistry.Repository(
    `${prefix}-function-images`,
    {
      project: args.project,
      location: args.location,
      repositoryId: "function-images",
      format: "DOCKER",
      description: "Images Cloud Build makes from the function source bundles.",
      cleanupPolicyDryRun: false,
      cleanupPolicies: [
        { id: "delete-after-30-days", action: "DELETE", condition: { olderThan: "2592000s" } },
        { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: 5 } },
      ],
      labels: { ...args.labels, purpose: "function-images" },
    },
    { parent },
  );
}
