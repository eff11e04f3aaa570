// The local server's object store: in memory (what requests read) and, when a folder is given,
// mirrored to `<dir>/<bucket>/<object name>` so a person running the platform can open the media.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { crc32cBase64 } from "./crc32c.ts";

export interface StoredObject {
  bucket: string;
  name: string;
  data: Buffer;
  contentType: string;
  cacheControl?: string;
  /** Custom metadata (`metadata.metadata` in the JSON API). */
  metadata?: Record<string, string>;
  generation: string;
  created: Date;
  updated: Date;
}

/** What the media the platform stores are served as after a restart. */
const CONTENT_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".mp4": "video/mp4",
  ".json": "application/json",
};

export type NewObject = Pick<StoredObject, "bucket" | "name" | "data" | "contentType" | "cacheControl" | "metadata">;

/**
 * Cloud Storage's naming rules (1-1024 UTF-8 bytes, no CR/LF) plus what the disk mirror needs:
 * no empty, "." or ".." path segment, so a name can never point outside the folder.
 */
export function isValidObjectName(name: string): boolean {
  const bytes = Buffer.byteLength(name);
  if (bytes < 1 || bytes > 1024 || /[\r\n\0]/.test(name)) return false;
  return name.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

/** Cloud Storage bucket names: lowercase letters, digits, dots, dashes, underscores (3-222). */
export function isValidBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(name) && !name.includes("..");
}

export class BucketObjects {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly dir: string | undefined;
  private lastGeneration = 0;

  constructor(dir?: string) {
    this.dir = dir === undefined ? undefined : resolve(dir);
  }

  /**
   * Reads back what an earlier run mirrored into the folder (every `<dir>/<bucket>/<name>`), so
   * signed URLs for media of jobs kept across restarts still resolve. Content types come from the
   * file extension, as nothing else survives on disk.
   */
  async load(now = new Date()): Promise<void> {
    if (this.dir === undefined) return;
    const root = this.dir;
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const [bucket, ...rest] = relative(root, path).split(sep);
      const name = rest.join("/");
      if (!bucket || !isValidBucketName(bucket) || !isValidObjectName(name)) continue;
      const data = await readFile(path);
      this.lastGeneration = Math.max(this.lastGeneration + 1, now.getTime() * 1000);
      let objects = this.buckets.get(bucket);
      if (!objects) {
        objects = new Map();
        this.buckets.set(bucket, objects);
      }
      objects.set(name, {
        bucket,
        name,
        data,
        contentType: CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream",
        generation: String(this.lastGeneration),
        created: now,
        updated: now,
      });
    }
  }

  get(bucket: string, name: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(name);
  }

  /** A snapshot of one bucket's objects by name. */
  list(bucket: string): Map<string, StoredObject> {
    return new Map(this.buckets.get(bucket));
  }

  /** Where an object is mirrored on disk; undefined without a folder. */
  filePath(bucket: string, name: string): string | undefined {
    if (this.dir === undefined) return undefined;
    const root = join(this.dir, bucket);
    const path = resolve(root, name);
    // isValidObjectName keeps names inside the folder; this guards the invariant.
    if (!path.startsWith(root + sep)) throw new Error(`object name escapes the mirror folder: ${name}`);
    return path;
  }

  async put(object: NewObject, now: Date): Promise<StoredObject> {
    const previous = this.get(object.bucket, object.name);
    // Generations only grow, like Cloud Storage's (microseconds since the epoch).
    this.lastGeneration = Math.max(this.lastGeneration + 1, now.getTime() * 1000);
    const stored: StoredObject = {
      ...object,
      generation: String(this.lastGeneration),
      created: previous?.created ?? now,
      updated: now,
    };
    const path = this.filePath(object.bucket, object.name);
    if (path !== undefined) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, object.data);
    }
    let bucket = this.buckets.get(object.bucket);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(object.bucket, bucket);
    }
    bucket.set(object.name, stored);
    return stored;
  }

  async delete(bucket: string, name: string): Promise<boolean> {
    const existed = this.buckets.get(bucket)?.delete(name) ?? false;
    const path = this.filePath(bucket, name);
    if (existed && path !== undefined) await rm(path, { force: true });
    return existed;
  }
}

/** The JSON API's object resource. */
export function objectResource(object: StoredObject, baseUrl: string): Record<string, unknown> {
  const encoded = encodeURIComponent(object.name);
  return {
    kind: "storage#object",
    id: `${object.bucket}/${object.name}/${object.generation}`,
    selfLink: `${baseUrl}/storage/v1/b/${object.bucket}/o/${encoded}`,
    mediaLink: `${baseUrl}/download/storage/v1/b/${object.bucket}/o/${encoded}?generation=${object.generation}&alt=media`,
    name: object.name,
    bucket: object.bucket,
    generation: object.generation,
    metageneration: "1",
    contentType: object.contentType,
    storageClass: "STANDARD",
    size: String(object.data.length),
    md5Hash: createHash("md5").update(object.data).digest("base64"),
    crc32c: crc32cBase64(object.data),
    etag: Buffer.from(object.generation).toString("base64"),
    timeCreated: object.created.toISOString(),
    updated: object.updated.toISOString(),
    ...(object.cacheControl === undefined ? {} : { cacheControl: object.cacheControl }),
    ...(object.metadata === undefined ? {} : { metadata: object.metadata }),
  };
}
