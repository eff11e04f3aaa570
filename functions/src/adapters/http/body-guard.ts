// Bounds and checks request bodies before functions-framework's Express app sees them.
//
// Why a wrapper around functions-framework's server: the framework offers no option for body
// limits — its getServer() installs body-parser's json, text, urlencoded and raw parsers with a
// fixed 1024mb limit ahead of the user function, so every body is buffered (and any JSON parsed)
// before our code runs, and a parse error goes to Express's default HTML error page. The guard is
// a plain Node request listener in front of that app: it refuses a declared Content-Length over
// the endpoint's limit without reading a byte, stops reading a streamed (chunked) body as soon as
// it passes the limit, refuses compressed bodies (a small gzip can inflate past any limit) and
// non-UTF-8 charsets with 415, decodes strictly as UTF-8, parses JSON, and answers every failure
// with this API's `{ "error": … }` JSON. What passes is handed on as an already-read request:
// body-parser skips a request whose stream has finished (its read() checks isFinished(req) first),
// so req.body and req.rawBody are the ones set here, and the user function runs as before.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { FunctionName } from "@genai-platform/definition";
import { AGENT_MAX_BODY_BYTES } from "../../agent/turn-request.ts";
import { AppError } from "../../domain/errors.ts";
import { errorAnswer } from "./error-answer.ts";
import { MAX_JSON_BODY_BYTES } from "./request-parsing.ts";

/** Largest body each deployable accepts; task payloads are a job id and a step. */
export const BODY_LIMITS: Readonly<Record<FunctionName, number>> = {
  generateImage: MAX_JSON_BODY_BYTES,
  generateVideo: MAX_JSON_BODY_BYTES,
  creativeDirectorAgent: AGENT_MAX_BODY_BYTES,
  getJob: MAX_JSON_BODY_BYTES,
  getUsage: MAX_JSON_BODY_BYTES,
  imageWorker: 16 * 1024,
  videoWorker: 16 * 1024,
  // Cloud Scheduler posts an empty body; the sweep reads none.
  sweepJobs: 16 * 1024,
};

type GuardedRequest = IncomingMessage & { body?: unknown; rawBody?: Buffer };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** `app` (functions-framework's request listener) behind the body checks, for bodies up to `maxBytes`. */
export function guardBodies(app: RequestListener, maxBytes: number): RequestListener {
  return (req, res) => {
    const hasBody = req.headers["transfer-encoding"] !== undefined || req.headers["content-length"] !== undefined;
    if (!hasBody) return app(req, res);
    const refusal = headerRefusal(req, maxBytes);
    if (refusal) return refuse(req, res, refusal);

    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        done = true;
        req.off("data", onData);
        refuse(req, res, tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("error", () => {
      done = true;
    });
    req.once("end", () => {
      if (done) return;
      const raw = Buffer.concat(chunks);
      const parsed = parseBody(req, raw);
      if (parsed instanceof AppError) return refuse(req, res, parsed);
      const guarded = req as GuardedRequest;
      guarded.rawBody = raw;
      guarded.body = parsed.body;
      app(req, res);
    });
  };
}

function headerRefusal(req: IncomingMessage, maxBytes: number): AppError | undefined {
  const length = Number(req.headers["content-length"]);
  if (Number.isFinite(length) && length > maxBytes) return tooLarge(maxBytes);
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding !== "identity") {
    return new AppError("UNSUPPORTED_MEDIA_TYPE", "compressed bodies are not accepted (Content-Encoding)", {
      field: "Content-Encoding",
    });
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers["content-type"] ?? "")?.[1];
  if (charset && charset.toLowerCase() !== "utf-8" && charset.toLowerCase() !== "utf8") {
    return new AppError("UNSUPPORTED_MEDIA_TYPE", `bodies must be UTF-8, not ${charset}`, { field: "Content-Type" });
  }
  return undefined;
}

/** JSON bodies are decoded strictly and parsed; other types are left unparsed for the endpoint to refuse. */
function parseBody(req: IncomingMessage, raw: Buffer): { body: unknown } | AppError {
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(req.headers["content-type"] ?? "")) return { body: undefined };
  if (raw.length === 0) return { body: undefined };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return new AppError("INVALID_JSON", "the body is not valid UTF-8");
  }
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return new AppError("INVALID_JSON", "the body is not valid JSON");
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `the body must be at most ${maxBytes} bytes`);
}

/** How long a refused upload may go on being read (and discarded) so the client still gets the answer. */
const LINGER_MS = 2_000;

/**
 * Answers with the one error mapper's JSON. A body left unread is not
 * buffered: it is discarded while the connection lingers briefly, as web servers do (a reset right
 * after the answer can reach a proxy or client before the answer itself), then the socket is closed
 * so it cannot keep the server waiting for bytes nobody will read.
 */
function refuse(req: IncomingMessage, res: ServerResponse, error: AppError): void {
  res.once("finish", () => {
    if (req.complete) return;
    req.resume();
    const linger = setTimeout(() => req.socket.destroy(), LINGER_MS);
    linger.unref();
    req.once("end", () => clearTimeout(linger));
  });
  const answer = errorAnswer(error, () => {});
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    // No `Connection: close`: Node would then close the socket as soon as the answer is written and
    // reset a client still sending; the rest of the body is discarded instead (see above).
  });
  res.end(body);
}
