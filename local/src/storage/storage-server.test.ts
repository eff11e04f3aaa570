// The local storage server's JSON API as clients other than the blob store use it: raw HTTP (the
// Veo stand-in) and the storage SDK reading STORAGE_EMULATOR_HOST itself, as in local functions.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mediaBucketCors } from "@genai-platform/definition";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNING_KEY_PATH, type StorageServer, startStorageServer } from "./storage-server.ts";

const BUCKET = "local-media";
let server: StorageServer;

beforeAll(async () => {
  server = await startStorageServer();
});

afterAll(async () => {
  await server?.stop();
});

async function mediaUpload(name: string, body: string, contentType = "text/plain", query = "") {
  return fetch(
    `${server.url}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=${encodeURIComponent(name)}${query}`,
    {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    },
  );
}

describe("local storage server", () => {
  it("stores a media upload and answers its metadata and its bytes", async () => {
    const upload = await mediaUpload("veo/op-1/sample_0.mp4", "video bytes", "video/mp4");
    expect(upload.status).toBe(200);

    const metadata = await fetch(
      `${server.url}/storage/v1/b/${BUCKET}/o/${encodeURIComponent("veo/op-1/sample_0.mp4")}`,
    );
    expect(await metadata.json()).toMatchObject({
      kind: "storage#object",
      bucket: BUCKET,
      name: "veo/op-1/sample_0.mp4",
      contentType: "video/mp4",
      size: "11",
    });
    const media = await fetch(
      `${server.url}/storage/v1/b/${BUCKET}/o/${encodeURIComponent("veo/op-1/sample_0.mp4")}?alt=media`,
    );
    expect(media.headers.get("content-type")).toBe("video/mp4");
    expect(await media.text()).toBe("video bytes");
    expect(server.objects(BUCKET).get("veo/op-1/sample_0.mp4")?.data.toString()).toBe("video bytes");
  });

  it("stores a multipart upload with the metadata part's content type and cache control", async () => {
    const boundary = "b0und4ry";
    const body = [
      `--${boundary}\r\nContent-Type: application/json\r\n\r\n`,
      JSON.stringify({ name: "multi/a.txt", contentType: "text/markdown", cacheControl: "no-store" }),
      `\r\n--${boundary}\r\nContent-Type: text/markdown\r\n\r\n# line one\r\nline two\r\n--${boundary}--\r\n`,
    ].join("");
    const response = await fetch(`${server.url}/upload/storage/v1/b/${BUCKET}/o?uploadType=multipart`, {
      method: "POST",
      headers: { "content-type": `multipart/related; boundary=${boundary}` },
      body,
    });
    expect(response.status).toBe(200);
    const stored = server.objects(BUCKET).get("multi/a.txt");
    expect(stored?.data.toString()).toBe("# line one\r\nline two");
    expect(stored?.contentType).toBe("text/markdown");
    expect(stored?.cacheControl).toBe("no-store");
  });

  it.each([
    ["a parent-folder segment", "../outside.txt", ""],
    ["an empty segment", "a//b.txt", ""],
    ["a resumable upload", "ok.txt", "&uploadType=resumable"],
  ])("refuses an upload with %s (400)", async (_, name, query) => {
    const url = `${server.url}/upload/storage/v1/b/${BUCKET}/o?name=${encodeURIComponent(name)}${query || "&uploadType=media"}`;
    const response = await fetch(url, { method: "POST", body: "x" });
    expect(response.status).toBe(400);
  });

  it("honours ifGenerationMatch=0: create only when the object is absent (412 otherwise)", async () => {
    expect((await mediaUpload("once.txt", "first", "text/plain", "&ifGenerationMatch=0")).status).toBe(200);
    expect((await mediaUpload("once.txt", "second", "text/plain", "&ifGenerationMatch=0")).status).toBe(412);
    expect(server.objects(BUCKET).get("once.txt")?.data.toString()).toBe("first");
  });

  it("answers 404 in the JSON API's error shape for an unknown object", async () => {
    const response = await fetch(`${server.url}/storage/v1/b/${BUCKET}/o/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 404, errors: [{ reason: "notFound" }] } });
  });

  it("serves its signing key only in the shape the local signer reads", async () => {
    const response = await fetch(`${server.url}/__local/signing-key`);
    const body = (await response.json()) as { clientEmail: string; privateKey: string };
    expect(body.clientEmail).toBe(server.clientEmail);
    expect(body.privateKey).toContain("-----BEGIN PRIVATE KEY-----");
  });

  it("works with the storage SDK configured only through STORAGE_EMULATOR_HOST", async () => {
    const previous = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = server.url;
    try {
      const file = new Storage({ projectId: "demo-project" }).bucket(BUCKET).file("sdk/readme.txt");
      await file.save("hello from the SDK", { contentType: "text/plain", resumable: false });
      const [metadata] = await file.getMetadata();
      expect(metadata.contentType).toBe("text/plain");
      const [bytes] = await file.download();
      expect(bytes.toString()).toBe("hello from the SDK");
      await file.delete();
      expect(server.objects(BUCKET).has("sdk/readme.txt")).toBe(false);
      await expect(file.getMetadata()).rejects.toMatchObject({ code: 404 });
    } finally {
      if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
      else process.env.STORAGE_EMULATOR_HOST = previous;
    }
  });
});

describe("the local storage server's CORS", () => {
  const ALLOWED = "http://127.0.0.1:5999";
  let cors: StorageServer;
  let signedUrl: string;

  beforeAll(async () => {
    cors = await startStorageServer({ cors: { [BUCKET]: mediaBucketCors([ALLOWED]) } });
    await fetch(`${cors.url}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=images/a.png`, {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: "png bytes",
    });
    // Signed the way the functions sign: the storage SDK's own V4 code with the local key.
    const key = (await (await fetch(`${cors.url}${SIGNING_KEY_PATH}`)).json()) as Record<string, string>;
    const storage = new Storage({
      projectId: "demo-project",
      apiEndpoint: cors.url,
      credentials: { client_email: key.clientEmail, private_key: key.privateKey },
    });
    [signedUrl] = await storage
      .bucket(BUCKET)
      .file("images/a.png")
      .getSignedUrl({ version: "v4", action: "read", expires: Date.now() + 600_000 });
  });
  afterAll(() => cors?.stop());

  it("adds the bucket's CORS headers to a signed GET from an allowed origin", async () => {
    const response = await fetch(signedUrl, { headers: { Origin: ALLOWED } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(response.headers.get("access-control-expose-headers")).toBe("Content-Type,Content-Length");
    expect(await response.text()).toBe("png bytes");
  });

  it("adds none for another origin, whose page then cannot read the answer", async () => {
    const response = await fetch(signedUrl, { headers: { Origin: "http://127.0.0.1:6000" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it.each([
    ["an allowed origin and method", ALLOWED, "GET", undefined, true],
    ["an allowed origin asking for a listed header", ALLOWED, "GET", "content-type", true],
    ["another origin", "http://localhost:5999", "GET", undefined, false],
    ["a method the bucket does not allow", ALLOWED, "PUT", undefined, false],
    ["a header the bucket does not list", ALLOWED, "GET", "authorization", false],
  ])("answers a preflight with %s as the bucket would (allowed: %s)", async (_name, origin, method, headers, ok) => {
    const response = await fetch(signedUrl, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": method,
        ...(headers ? { "Access-Control-Request-Headers": headers } : {}),
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(ok ? origin : null);
    if (ok) {
      expect(response.headers.get("access-control-allow-methods")).toBe("GET,HEAD");
      expect(response.headers.get("access-control-max-age")).toBe("3600");
    }
  });

  it("serves objects an earlier run left in its folder when told to load them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "storage-mirror-"));
    try {
      const first = await startStorageServer({ dir });
      await fetch(`${first.url}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=images/kept.png`, {
        method: "POST",
        headers: { "content-type": "image/png" },
        body: "kept",
      });
      await first.stop();
      const second = await startStorageServer({ dir, loadDir: true });
      try {
        expect(second.objects(BUCKET).get("images/kept.png")).toMatchObject({ contentType: "image/png" });
        expect(second.objects(BUCKET).get("images/kept.png")?.data.toString()).toBe("kept");
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
