// BlobStore over Cloud Storage: media go into the private bucket and leave it only through
// short-lived V4 signed URLs. The same code runs against the local storage server in tests.
import type { Storage } from "@google-cloud/storage";
import type { BlobStore, Clock } from "../../ports/index.ts";
import { withDeadline } from "../system/deadline.ts";

/** Signing is local or one IAM signBlob call; past this the request answers 503 UNAVAILABLE. */
const SIGNING_DEADLINE_MS = 5_000;

export interface CloudStorageBlobStoreOptions {
  storage: Storage;
  bucket: string;
  /** Start of each signed URL's validity; default: the system clock. */
  clock?: Clock;
}

export class CloudStorageBlobStore implements BlobStore {
  private readonly storage: Storage;
  private readonly bucket: string;
  private readonly clock: Clock;

  constructor(options: CloudStorageBlobStoreOptions) {
    this.storage = options.storage;
    this.bucket = options.bucket;
    this.clock = options.clock ?? { now: () => new Date() };
  }

  async put(path: string, data: Uint8Array, contentType: string): Promise<void> {
    // A single request (no resumable session): outputs are small enough. `ifGenerationMatch: 0`
    // creates the object only if it does not exist: workers hold `objectCreator`, which cannot
    // overwrite, and a retried task whose earlier attempt already stored the output is done.
    try {
      await this.storage
        .bucket(this.bucket)
        .file(path)
        .save(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
          contentType,
          resumable: false,
          preconditionOpts: { ifGenerationMatch: 0 },
          // Signed URLs are per user and short-lived: no shared cache may keep the bytes.
          metadata: { cacheControl: "private, max-age=0" },
        });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 412) throw error;
    }
  }

  async signedReadUrl(path: string, ttlSeconds: number): Promise<{ url: string; expiresAt: Date }> {
    // V4 URLs carry whole seconds; start on a second boundary so expiresAt is exactly what is signed.
    const accessibleAt = new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
    const expiresAt = new Date(accessibleAt.getTime() + ttlSeconds * 1000);
    const [url] = await withDeadline(
      () =>
        this.storage
          .bucket(this.bucket)
          .file(path)
          .getSignedUrl({ version: "v4", action: "read", accessibleAt, expires: expiresAt }),
      SIGNING_DEADLINE_MS,
      "URL signing",
    );
    return { url, expiresAt };
  }
}
