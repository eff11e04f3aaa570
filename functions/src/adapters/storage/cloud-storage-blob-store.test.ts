// The production BlobStore and the real storage SDK against the local storage server: uploads,
// signed URLs made by the SDK's own V4 code, and the server's signature and expiry checks.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type StorageServer, startStorageServer } from "@genai-platform/local/storage/storage-server.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CloudStorageBlobStore } from "./cloud-storage-blob-store.ts";
import { createStorage, fetchLocalSigner } from "./storage-client.ts";

const BUCKET = "media-test-bucket";
let server: StorageServer;
let dir: string;
let offsetMs = 0;
let store: CloudStorageBlobStore;
let sdkStorage: ReturnType<typeof createStorage>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "storage-server-"));
  server = await startStorageServer({ dir, now: () => new Date(Date.now() + offsetMs) });
  const signer = await fetchLocalSigner(server.url);
  sdkStorage = createStorage({ project: "demo-project", emulatorBaseUrl: server.url, signer });
  store = new CloudStorageBlobStore({ storage: sdkStorage, bucket: BUCKET });
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  offsetMs = 0;
});

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 254, 255]);

describe("CloudStorageBlobStore against the local storage server", () => {
  it("serves the stored bytes and content type through a signed URL", async () => {
    await store.put("users/u1/jobs/j1/output.png", png, "image/png");
    const { url, expiresAt } = await store.signedReadUrl("users/u1/jobs/j1/output.png", 900);

    expect(url.startsWith(`${server.url}/${BUCKET}/users/u1/jobs/j1/output.png?`)).toBe(true);
    expect(signedExpiry(url)).toEqual(expiresAt);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("cache-control")).toBe("private, max-age=0");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(png);
  });

  it("signs from the injected clock's second and reports the expiry it signed", async () => {
    // In the future: the SDK refuses to sign an expiry that is already past by the system clock.
    const clock = { now: () => new Date("2036-01-02T10:00:00.750Z") };
    const clocked = new CloudStorageBlobStore({ storage: sdkStorage, bucket: BUCKET, clock });
    const { url, expiresAt } = await clocked.signedReadUrl("any/object.png", 600);
    expect(new URL(url).searchParams.get("X-Goog-Date")).toBe("20360102T100000Z");
    expect(new URL(url).searchParams.get("X-Goog-Expires")).toBe("600");
    expect(expiresAt).toEqual(new Date("2036-01-02T10:10:00.000Z"));
  });

  it("serves a byte range of a signed object, as a browser seeking in a video asks", async () => {
    await store.put("ranges/output.png", png, "image/png");
    const { url } = await store.signedReadUrl("ranges/output.png", 60);
    const response = await fetch(url, { headers: { range: "bytes=2-5" } });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 2-5/${png.length}`);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(png.subarray(2, 6));
  });

  it("overwrites an object with the same bytes when a retried task puts it again", async () => {
    await store.put("retry/output.png", png, "image/png");
    await store.put("retry/output.png", png, "image/png");
    const stored = server.objects(BUCKET).get("retry/output.png");
    expect(stored?.data).toEqual(Buffer.from(png));
  });

  it("signs and serves object names that need percent-encoding", async () => {
    const name = "users/u 1/jobs/j+1/out (1)~é.png";
    await store.put(name, png, "image/png");
    const { url } = await store.signedReadUrl(name, 60);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(png);
  });

  it.each([
    [
      "a changed signature",
      (u: URL) => u.searchParams.set("X-Goog-Signature", flipLastHex(u.searchParams.get("X-Goog-Signature"))),
    ],
    ["a longer lifetime", (u: URL) => u.searchParams.set("X-Goog-Expires", "3600")],
    ["another object", (u: URL) => (u.pathname = `/${BUCKET}/tampered/other.png`)],
    [
      "another signer",
      (u: URL) =>
        u.searchParams.set(
          "X-Goog-Credential",
          u.searchParams.get("X-Goog-Credential")?.replace(/^[^/]+/, "someone@example.iam.gserviceaccount.com") ?? "",
        ),
    ],
  ])("refuses a signed URL with %s (403 SignatureDoesNotMatch)", async (_, tamper) => {
    await store.put("tampered/output.png", png, "image/png");
    await store.put("tampered/other.png", png, "image/png");
    const signed = new URL((await store.signedReadUrl("tampered/output.png", 900)).url);
    tamper(signed);
    const response = await fetch(signed);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("refuses a signed URL once it has expired (400 ExpiredToken)", async () => {
    await store.put("expiring/output.png", png, "image/png");
    const { url } = await store.signedReadUrl("expiring/output.png", 1);
    expect((await fetch(url)).status).toBe(200);

    offsetMs = 2_000;
    const response = await fetch(url);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("<Code>ExpiredToken</Code>");
  });

  it("answers 404 NoSuchKey for a validly signed URL to a missing object", async () => {
    const { url } = await store.signedReadUrl("missing/output.png", 60);
    const response = await fetch(url);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("<Code>NoSuchKey</Code>");
  });

  it("refuses an object URL without a signature: the bucket is private", async () => {
    await store.put("private/output.png", png, "image/png");
    const response = await fetch(`${server.url}/${BUCKET}/private/output.png`);
    expect(response.status).toBe(403);
  });

  it("serves a video uploaded the way the Veo stand-in writes it (media upload)", async () => {
    const video = Buffer.from("not really an mp4, but bytes all the same");
    const name = "users/u1/jobs/v1/sample_0.mp4";
    const upload = await fetch(
      `${server.url}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=${encodeURIComponent(name)}`,
      { method: "POST", headers: { "content-type": "video/mp4" }, body: video },
    );
    expect(upload.status).toBe(200);
    expect(await upload.json()).toMatchObject({
      bucket: BUCKET,
      name,
      contentType: "video/mp4",
      size: String(video.length),
    });

    const response = await fetch((await store.signedReadUrl(name, 60)).url);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await response.arrayBuffer())).toEqual(video);
  });

  it("mirrors stored objects to the folder it was given", async () => {
    await store.put("users/u2/jobs/j2/output.png", png, "image/png");
    const onDisk = await readFile(join(dir, BUCKET, "users/u2/jobs/j2/output.png"));
    expect(new Uint8Array(onDisk)).toEqual(png);
  });
});

/** X-Goog-Date + X-Goog-Expires of a signed URL. */
function signedExpiry(url: string): Date {
  const query = new URL(url).searchParams;
  const iso = (query.get("X-Goog-Date") ?? "").replace(
    /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
    "$1-$2-$3T$4:$5:$6Z",
  );
  return new Date(Date.parse(iso) + Number(query.get("X-Goog-Expires")) * 1000);
}

function flipLastHex(hex: string | null): string {
  const value = hex ?? "";
  const last = value.at(-1) === "0" ? "1" : "0";
  return value.slice(0, -1) + last;
}
