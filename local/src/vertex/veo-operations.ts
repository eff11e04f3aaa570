// Veo's long-running operations as the local Vertex AI server keeps them: started by
// predictLongRunning, finished after a set number of polls, the video written like Veo writes it.
import { randomBytes } from "node:crypto";
import { promptMp4 } from "./media.ts";

export type VeoOutcome = "video" | "filtered" | "error";

interface Operation {
  name: string;
  prompt: string;
  /** `gs://bucket/prefix/` from `parameters.storageUri`; without it the bytes come back inline. */
  storageUri?: string;
  polls: number;
  outcome: VeoOutcome;
  /** The final answer, computed once so repeated polls agree and the video is written once. */
  final?: Record<string, unknown>;
}

export interface VeoOperationsOptions {
  /** Polls answered `done: false` before the operation completes. */
  pollsUntilDone: number;
  /** Cloud Storage JSON API base URL to upload videos to (a local storage server); unset: only record. */
  storageBaseUrl?: string;
}

export interface VeoStartRequest {
  instances?: Array<{ prompt?: string }>;
  parameters?: { storageUri?: string; [key: string]: unknown };
}

/** `gs://bucket/a/b/` -> bucket and object prefix. */
export function parseGcsUri(uri: string): { bucket: string; prefix: string } | undefined {
  const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) return undefined;
  const prefix = match[2] ?? "";
  return { bucket: match[1], prefix: prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/` };
}

export class VeoOperations {
  private readonly options: VeoOperationsOptions;
  private readonly operations = new Map<string, Operation>();
  /** gs:// URIs of every video "written", uploaded or not. */
  readonly videos: string[] = [];

  constructor(options: VeoOperationsOptions) {
    this.options = options;
  }

  /** Records an operation; `modelPath` is `projects/P/locations/L/publishers/google/models/M`. */
  start(modelPath: string, body: VeoStartRequest, outcome: VeoOutcome): { name: string } {
    const name = `${modelPath}/operations/${randomBytes(8).toString("hex")}`;
    const prompt = body.instances?.[0]?.prompt ?? "";
    const storageUri = body.parameters?.storageUri;
    this.operations.set(name, {
      name,
      prompt,
      storageUri: typeof storageUri === "string" ? storageUri : undefined,
      polls: 0,
      outcome,
    });
    return { name };
  }

  has(name: string): boolean {
    return this.operations.has(name);
  }

  /** Marks an operation's eventual outcome as filtered (a safety fault injected on a poll). */
  filter(name: string): void {
    const operation = this.operations.get(name);
    if (operation && !operation.final) operation.outcome = "filtered";
  }

  /** One fetchPredictOperation; undefined for an unknown operation. */
  async poll(name: string): Promise<Record<string, unknown> | undefined> {
    const operation = this.operations.get(name);
    if (!operation) return undefined;
    if (operation.final) return operation.final;
    operation.polls += 1;
    if (operation.polls <= this.options.pollsUntilDone) return { name, done: false };
    operation.final = await this.finish(operation);
    return operation.final;
  }

  private async finish(operation: Operation): Promise<Record<string, unknown>> {
    const { name } = operation;
    const type = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse";
    if (operation.outcome === "error") {
      return { name, done: true, error: { code: 13, message: "Video generation failed with an internal error." } };
    }
    if (operation.outcome === "filtered") {
      return {
        name,
        done: true,
        response: {
          "@type": type,
          raiMediaFilteredCount: 1,
          raiMediaFilteredReasons: ["The prompt could not be submitted: it violates the usage guidelines."],
        },
      };
    }
    const bytes = promptMp4(operation.prompt);
    const target = operation.storageUri ? parseGcsUri(operation.storageUri) : undefined;
    if (!target) {
      return {
        name,
        done: true,
        response: { "@type": type, videos: [{ bytesBase64Encoded: bytes.toString("base64"), mimeType: "video/mp4" }] },
      };
    }
    const object = `${target.prefix}sample_0.mp4`;
    const gcsUri = `gs://${target.bucket}/${object}`;
    if (this.options.storageBaseUrl && !(await this.upload(target.bucket, object, bytes))) {
      return {
        name,
        done: true,
        error: { code: 13, message: "Video generation failed: the output could not be written." },
      };
    }
    this.videos.push(gcsUri);
    return { name, done: true, response: { "@type": type, videos: [{ gcsUri, mimeType: "video/mp4" }] } };
  }

  /** A media upload through the GCS JSON API, the way Veo writes into the caller's bucket. */
  private async upload(bucket: string, object: string, bytes: Buffer): Promise<boolean> {
    const base = (this.options.storageBaseUrl ?? "").replace(/\/+$/, "");
    const url = `${base}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=media&name=${encodeURIComponent(object)}`;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "video/mp4" },
        body: new Uint8Array(bytes),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }
}
