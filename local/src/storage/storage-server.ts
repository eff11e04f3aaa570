// A local stand-in for Cloud Storage: the subset of the JSON API that the storage SDK and the Veo
// stand-in use (media and multipart uploads, metadata, download, delete) plus V4 signed GETs in the
// XML API's form, with real signature and expiry checks. Loopback only; never a production path.
import { generateKeyPair, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import type { BucketCorsRule } from "@genai-platform/definition";
import {
  BucketObjects,
  isValidBucketName,
  isValidObjectName,
  objectResource,
  type StoredObject,
} from "./bucket-objects.ts";
import { boundaryOf, parseMultipart } from "./multipart.ts";
import { checkV4Signature } from "./v4-signature.ts";

export type { StoredObject } from "./bucket-objects.ts";

export interface StorageServerOptions {
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Folder that mirrors every object as `<dir>/<bucket>/<name>`; default: memory only. */
  dir?: string;
  /** Starts with the objects already in `dir` (kept from an earlier run). Default false. */
  loadDir?: boolean;
  /** Clock for signed URL expiry; default: the system clock. */
  now?: () => Date;
  /** Service account email signed URLs must name; default: a local-only placeholder. */
  clientEmail?: string;
  /** Each bucket's CORS configuration, answered on signed (XML API) URLs as Cloud Storage does. */
  cors?: Readonly<Record<string, readonly BucketCorsRule[]>>;
}

export interface StorageServer {
  /** `http://127.0.0.1:PORT`: the storage SDK's `apiEndpoint` (and STORAGE_EMULATOR_HOST). */
  url: string;
  clientEmail: string;
  /** A snapshot of one bucket's objects by name. */
  objects(bucket: string): Map<string, StoredObject>;
  stop(): Promise<void>;
}

/**
 * LOCAL ONLY: serves the signer's PRIVATE key so a local function process can sign URLs with the
 * storage SDK's own V4 code. Cloud Storage has no such endpoint; deployed functions sign through IAM.
 */
export const SIGNING_KEY_PATH = "/__local/signing-key";

const DEFAULT_CLIENT_EMAIL = "local-storage-signer@local-project.iam.gserviceaccount.com";

export async function startStorageServer(options: StorageServerOptions = {}): Promise<StorageServer> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
  const clientEmail = options.clientEmail ?? DEFAULT_CLIENT_EMAIL;
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const store = new BucketObjects(options.dir);
  if (options.loadDir) await store.load();
  const context: Context = {
    cors: options.cors ?? {},
    store,
    now: options.now ?? (() => new Date()),
    key: { clientEmail, publicKey },
    privateKeyPem,
    baseUrl: "",
  };
  const server = createServer((req, res) => {
    handle(req, res, context).catch((error: unknown) => {
      if (!res.headersSent) sendJsonError(res, 500, "backendError", error instanceof Error ? error.message : "error");
      else res.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", done);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context.baseUrl = url;
  return {
    url,
    clientEmail,
    objects: (bucket) => store.list(bucket),
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

interface Context {
  cors: Readonly<Record<string, readonly BucketCorsRule[]>>;
  store: BucketObjects;
  now: () => Date;
  key: { clientEmail: string; publicKey: KeyObject };
  privateKeyPem: string;
  baseUrl: string;
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const method = req.method ?? "GET";
  const path = url.pathname;

  if (path === SIGNING_KEY_PATH && method === "GET") {
    return sendJson(res, 200, { clientEmail: ctx.key.clientEmail, privateKey: ctx.privateKeyPem });
  }
  // A preflight carries no signature: the browser strips nothing, but sends no credentials either.
  if (method === "OPTIONS") return servePreflight(req, res, path, ctx);
  if (url.searchParams.has("X-Goog-Signature") || url.searchParams.has("X-Goog-Algorithm")) {
    applyCors(req, res, path, ctx);
    return serveSigned(req, res, url, ctx);
  }
  const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
  if (upload && method === "POST") return serveUpload(req, res, url, decode(upload[1]), ctx);

  // The SDK uses `<endpoint>/storage/v1` as its JSON API base, or the bare STORAGE_EMULATOR_HOST
  // value when that variable is set; downloads may also come through `/download/storage/v1`.
  const object = /^(?:\/download)?(?:\/storage\/v1)?\/b\/([^/]+)\/o\/([^/]+)$/.exec(path);
  if (object) return serveObject(req, res, url, decode(object[1]), decode(object[2]), ctx);

  if (method === "GET" || method === "HEAD") {
    // An XML-API object URL without a signature: the media bucket is private.
    return sendXmlError(res, 403, "AccessDenied", "Access denied.", "Anonymous access to this bucket is not allowed.");
  }
  return sendJsonError(res, 404, "notFound", `No such endpoint: ${method} ${path}`);
}

async function serveUpload(req: IncomingMessage, res: ServerResponse, url: URL, bucket: string, ctx: Context) {
  const body = await readBody(req);
  const uploadType = url.searchParams.get("uploadType");
  let name = url.searchParams.get("name") ?? undefined;
  let contentType = req.headers["content-type"] ?? "application/octet-stream";
  let data = body;
  let resource: { name?: string; contentType?: string; cacheControl?: string; metadata?: Record<string, string> } = {};
  if (uploadType === "multipart") {
    const boundary = boundaryOf(req.headers["content-type"]);
    const parts = boundary ? parseMultipart(body, boundary) : [];
    const [meta, media] = parts;
    if (!meta || !media)
      return sendJsonError(res, 400, "invalid", "A multipart upload needs a metadata and a media part.");
    try {
      resource = JSON.parse(meta.body.toString("utf8")) as typeof resource;
    } catch {
      return sendJsonError(res, 400, "parseError", "The metadata part is not valid JSON.");
    }
    name ??= resource.name;
    contentType = resource.contentType ?? media.headers["content-type"] ?? "application/octet-stream";
    data = media.body;
  } else if (uploadType !== "media") {
    return sendJsonError(res, 400, "invalid", `uploadType ${uploadType ?? "(none)"} is not supported here.`);
  }
  if (!name) return sendJsonError(res, 400, "required", "Required parameter: name");
  if (!isValidObjectName(name) || !isValidBucketName(bucket)) {
    return sendJsonError(res, 400, "invalid", `Invalid object name: ${name}`);
  }
  const precondition = url.searchParams.get("ifGenerationMatch");
  if (precondition !== null && precondition !== (ctx.store.get(bucket, name)?.generation ?? "0")) {
    return sendJsonError(res, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
  }
  const stored = await ctx.store.put(
    { bucket, name, data, contentType, cacheControl: resource.cacheControl, metadata: resource.metadata },
    ctx.now(),
  );
  sendJson(res, 200, objectResource(stored, ctx.baseUrl));
}

async function serveObject(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  bucket: string,
  name: string,
  ctx: Context,
) {
  await readBody(req);
  const object = ctx.store.get(bucket, name);
  const method = req.method ?? "GET";
  if (method === "DELETE") {
    if (!(await ctx.store.delete(bucket, name)))
      return sendJsonError(res, 404, "notFound", `No such object: ${bucket}/${name}`);
    res.writeHead(204).end();
    return;
  }
  if (method !== "GET") return sendJsonError(res, 405, "methodNotAllowed", `${method} is not supported here.`);
  if (!object) return sendJsonError(res, 404, "notFound", `No such object: ${bucket}/${name}`);
  if (url.searchParams.get("alt") === "media") return sendMedia(res, object, false, req.headers.range);
  sendJson(res, 200, objectResource(object, ctx.baseUrl));
}

async function serveSigned(req: IncomingMessage, res: ServerResponse, url: URL, ctx: Context) {
  await readBody(req);
  const method = req.method ?? "GET";
  const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (!match || (method !== "GET" && method !== "HEAD")) {
    return sendXmlError(res, 400, "InvalidArgument", "Invalid argument.", "Only signed object GETs are served here.");
  }
  const bucket = decode(match[1]);
  const name = decode(match[2]);
  const check = checkV4Signature(
    { method, bucket, object: name, query: url.searchParams, headers: req.headers },
    ctx.key,
    ctx.now(),
  );
  if (!check.ok) return sendXmlError(res, check.status, check.code, check.message, check.details);
  const object = ctx.store.get(bucket, name);
  if (!object)
    return sendXmlError(
      res,
      404,
      "NoSuchKey",
      "The specified key does not exist.",
      `No such object: ${bucket}/${name}`,
    );
  sendMedia(res, object, method === "HEAD", req.headers.range);
}

/** The first of the bucket's rules that allows `origin` with `method`, if any. */
function corsRule(ctx: Context, path: string, origin: string, method: string): BucketCorsRule | undefined {
  const bucket = decode(/^\/([^/]+)/.exec(path)?.[1]);
  return ctx.cors[bucket]?.find(
    (rule) => (rule.origins.includes(origin) || rule.origins.includes("*")) && rule.methods.includes(method),
  );
}

/** On an object request with a matching Origin: the headers Cloud Storage adds. */
function applyCors(req: IncomingMessage, res: ServerResponse, path: string, ctx: Context): void {
  const origin = req.headers.origin;
  res.setHeader("vary", "Origin");
  if (!origin) return;
  const rule = corsRule(ctx, path, origin, req.method ?? "GET");
  if (!rule) return;
  res.setHeader("access-control-allow-origin", origin);
  if (rule.responseHeaders.length > 0) res.setHeader("access-control-expose-headers", rule.responseHeaders.join(","));
}

/**
 * A preflight: allowed when a rule lists the origin, the requested method and every requested
 * header; otherwise answered without CORS headers, so the browser refuses the request.
 */
async function servePreflight(req: IncomingMessage, res: ServerResponse, path: string, ctx: Context): Promise<void> {
  await readBody(req);
  const origin = req.headers.origin;
  const method = req.headers["access-control-request-method"];
  const requested = (req.headers["access-control-request-headers"] ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const rule = origin && typeof method === "string" ? corsRule(ctx, path, origin, method) : undefined;
  const headersAllowed = (r: BucketCorsRule) =>
    requested.every((h) => r.responseHeaders.some((allowed) => allowed.toLowerCase() === h));
  res.setHeader("vary", "Origin");
  if (!origin || !rule || !headersAllowed(rule)) {
    res.writeHead(200, { "content-length": 0 }).end();
    return;
  }
  res.writeHead(200, {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": rule.methods.join(","),
    ...(requested.length > 0 ? { "access-control-allow-headers": requested.join(",") } : {}),
    "access-control-max-age": String(rule.maxAgeSeconds),
    "content-length": 0,
  });
  res.end();
}

function sendMedia(res: ServerResponse, object: StoredObject, headOnly: boolean, range?: string): void {
  const size = object.data.length;
  const headers: Record<string, string | number> = {
    "content-type": object.contentType,
    "cache-control": object.cacheControl ?? "private, max-age=0",
    "accept-ranges": "bytes",
    "x-goog-generation": object.generation,
    "x-goog-stored-content-length": size,
    "last-modified": object.updated.toUTCString(),
  };
  // One byte range, so a browser can seek in a local video the way it does on Cloud Storage.
  const match = /^bytes=(\d*)-(\d*)$/.exec(range ?? "");
  if (match && (match[1] || match[2])) {
    const start = match[1] ? Number(match[1]) : Math.max(0, size - Number(match[2]));
    const end = match[1] && match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
    if (start > end || start >= size) {
      res.writeHead(416, { "content-range": `bytes */${size}` }).end();
      return;
    }
    res.writeHead(206, {
      ...headers,
      "content-range": `bytes ${start}-${end}/${size}`,
      "content-length": end - start + 1,
    });
    res.end(headOnly ? undefined : object.data.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, "content-length": size });
  res.end(headOnly ? undefined : object.data);
}

function decode(segment: string | undefined): string {
  return decodeURIComponent(segment ?? "");
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function sendJsonError(res: ServerResponse, status: number, reason: string, message: string): void {
  sendJson(res, status, { error: { code: status, message, errors: [{ domain: "global", reason, message }] } });
}

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c] ?? c);

function sendXmlError(res: ServerResponse, status: number, code: string, message: string, details: string): void {
  const text = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><Details>${escapeXml(details)}</Details></Error>`;
  res.writeHead(status, {
    "content-type": "application/xml; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
