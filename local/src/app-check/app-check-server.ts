// LOCAL ONLY: a stand-in for the Firebase App Check API, the parts this platform touches. It holds
// an RSA key of its own and serves: its public key as App Check's JWKS (`GET /v1/jwks`); the debug
// provider's exchange (`exchangeDebugToken`), which mints tokens with the claims Google's carry; and
// replay protection (`verifyAppCheckToken`), which marks a token consumed on its first call. It
// refuses what Google refuses, with Google's status and words. Loopback only.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from "jose";

/** Google's issuer prefix; tokens name the project number after it. */
// Source: https://firebase.google.com/docs/reference/admin/node/firebase-admin.app-check.decodedappchecktoken
export const APP_CHECK_ISSUER_PREFIX = "https://firebaseappcheck.googleapis.com/";

/** What the stand-in's tokens live: one hour, inside the 30 minutes to 7 days a project may set. */
// Source: https://firebase.google.com/docs/reference/admin/node/firebase-admin.app-check.appchecktokenoptions
export const APP_CHECK_TOKEN_TTL_SECONDS = 3600;

/** The web app id tokens are minted for by default (Firebase app id form `1:<number>:web:<hex>`). */
export const localAppId = (projectNumber: string) => `1:${projectNumber}:web:0000000000000000local`;

export interface AppCheckServerOptions {
  projectId: string;
  projectNumber: string;
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** App ids registered in the project; default one web app (localAppId). */
  appIds?: readonly string[];
  /** Debug secrets registered in the console; default one random UUID. */
  debugTokens?: readonly string[];
}

export interface MintOptions {
  appId?: string;
  /** Seconds from now; negative for an expired token. Default APP_CHECK_TOKEN_TTL_SECONDS. */
  expiresIn?: number;
  /** Override the audience (e.g. another project's). */
  audience?: string[];
  /** Sign with a key the JWKS does not list (a forged token). */
  foreignKey?: boolean;
}

export interface AppCheckServer {
  url: string;
  projectId: string;
  projectNumber: string;
  appId: string;
  /** A debug secret exchangeDebugToken accepts. */
  debugToken: string;
  /** Mints a token as the exchange does, without the HTTP round trip (tests). */
  mint(options?: MintOptions): Promise<string>;
  /** verifyAppCheckToken calls answered so far. */
  consumeCalls(): number;
  /** JWKS requests answered so far. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

interface GoogleError {
  status: number;
  grpc: string;
  message: string;
}

// Source (the exchange's refusal, as Google answers it): https://github.com/firebase/firebase-ios-sdk/issues/9547
const ATTESTATION_FAILED: GoogleError = { status: 403, grpc: "PERMISSION_DENIED", message: "App attestation failed." };
// Source (an invalid token answers 403): https://firebase.google.com/docs/reference/appcheck/rest/v1beta/projects/verifyAppCheckToken
// The page gives the status only; PERMISSION_DENIED is Google's canonical name for 403.
const TOKEN_INVALID: GoogleError = {
  status: 403,
  grpc: "PERMISSION_DENIED",
  message: "The provided App Check token is invalid.",
};
// Source (401 UNAUTHENTICATED for a missing credential): https://cloud.google.com/apis/design/errors#handling_errors
const NO_CREDENTIAL: GoogleError = {
  status: 401,
  grpc: "UNAUTHENTICATED",
  message:
    "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
};

export async function startAppCheckServer(options: AppCheckServerOptions): Promise<AppCheckServer> {
  const { projectId, projectNumber } = options;
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const foreign = await generateKeyPair("RS256");
  const kid = `local-app-check-${Date.now().toString(36)}`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const appIds = options.appIds ?? [localAppId(projectNumber)];
  const debugTokens = options.debugTokens ?? [randomUUID()];
  const consumed = new Set<string>();
  let consumeCalls = 0;
  let jwksFetches = 0;

  const mint = async (mintOptions: MintOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return (
      new SignJWT({})
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .setIssuer(`${APP_CHECK_ISSUER_PREFIX}${projectNumber}`)
        // Source (aud: the project number, then the id): same page as APP_CHECK_ISSUER_PREFIX.
        .setAudience(mintOptions.audience ?? [`projects/${projectNumber}`, `projects/${projectId}`])
        .setSubject(mintOptions.appId ?? (appIds[0] as string))
        .setIssuedAt(now)
        .setExpirationTime(now + (mintOptions.expiresIn ?? APP_CHECK_TOKEN_TTL_SECONDS))
        .setJti(randomUUID())
        .sign(mintOptions.foreignKey ? foreign.privateKey : privateKey)
    );
  };

  /** Whether `name` (the `projects/{p}` segment) names this project: by number or by id (AIP-2510). */
  const isThisProject = (p: string) => p === projectNumber || p === projectId;

  const isValid = async (token: string) => {
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        algorithms: ["RS256"],
        issuer: `${APP_CHECK_ISSUER_PREFIX}${projectNumber}`,
        audience: `projects/${projectNumber}`,
      });
      return typeof payload.sub === "string" && appIds.includes(payload.sub);
    } catch {
      return false;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/v1/jwks") {
      jwksFetches++;
      // Source (JWK set form; cache at most six hours): https://firebase.google.com/docs/reference/appcheck/rest/v1/jwks
      return sendJson(res, 200, { keys: [jwk] }, { "cache-control": "public, max-age=21600" });
    }
    const exchange = /^\/v1(?:beta)?\/projects\/([^/]+)\/apps\/([^/:]+):exchangeDebugToken$/.exec(url.pathname);
    if (req.method === "POST" && exchange) {
      // Source (POST v1/{app=projects/*/apps/*}:exchangeDebugToken, body debugToken and limitedUse, answer AppCheckToken):
      // https://firebase.google.com/docs/reference/appcheck/rest/v1/projects.apps/exchangeDebugToken
      const [, project, appId] = exchange as unknown as [string, string, string];
      const body = await readJson(req);
      const secret = body.debugToken ?? body.debug_token;
      if (!isThisProject(project) || !appIds.includes(decodeURIComponent(appId))) {
        return sendError(res, ATTESTATION_FAILED);
      }
      if (typeof secret !== "string" || !debugTokens.includes(secret)) return sendError(res, ATTESTATION_FAILED);
      const token = await mint({ appId: decodeURIComponent(appId) });
      return sendJson(res, 200, { token, ttl: `${APP_CHECK_TOKEN_TTL_SECONDS}s` });
    }
    const verify = /^\/v1beta\/projects\/([^/:]+):verifyAppCheckToken$/.exec(url.pathname);
    if (req.method === "POST" && verify) {
      if (!/^Bearer\s+\S+/i.test(req.headers.authorization ?? "")) return sendError(res, NO_CREDENTIAL);
      const body = await readJson(req);
      // Google's JSON accepts the proto field name too (firebase-admin sends app_check_token).
      const token = body.appCheckToken ?? body.app_check_token;
      if (typeof token !== "string" || token === "") {
        return sendError(res, { status: 400, grpc: "INVALID_ARGUMENT", message: "app_check_token is required." });
      }
      consumeCalls++;
      if (!isThisProject((verify as unknown as [string, string])[1]) || !(await isValid(token))) {
        return sendError(res, TOKEN_INVALID);
      }
      // Source (field absent on first sight, true ever after): https://firebase.google.com/docs/reference/appcheck/rest/v1beta/projects/verifyAppCheckToken
      if (consumed.has(token)) return sendJson(res, 200, { alreadyConsumed: true });
      consumed.add(token);
      return sendJson(res, 200, {});
    }
    return sendError(res, {
      status: 404,
      grpc: "NOT_FOUND",
      message: `${req.method} ${url.pathname} is not served here`,
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        sendError(res, { status: 400, grpc: "INVALID_ARGUMENT", message: "Invalid JSON payload received." });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    projectId,
    projectNumber,
    appId: appIds[0] as string,
    debugToken: debugTokens[0] as string,
    mint,
    consumeCalls: () => consumeCalls,
    jwksFetches: () => jwksFetches,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
  return parsed as Record<string, unknown>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  res.end(JSON.stringify(body));
}

/** Google's JSON error shape. Source: https://cloud.google.com/apis/design/errors#http_mapping */
function sendError(res: ServerResponse, error: GoogleError): void {
  sendJson(res, error.status, { error: { code: error.status, message: error.message, status: error.grpc } });
}

/**
 * What the App Check debug provider does on a developer's machine: trades a registered debug
 * secret for an App Check token (`npm run token -- --app-check`). Throws with Google's answer on refusal.
 */
export async function exchangeDebugToken(input: {
  baseUrl: string;
  projectNumber: string;
  appId: string;
  debugToken: string;
}): Promise<{ token: string; ttl: string }> {
  const url = `${input.baseUrl}/v1/projects/${input.projectNumber}/apps/${encodeURIComponent(input.appId)}:exchangeDebugToken`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ debugToken: input.debugToken }),
  });
  const body = (await response.json()) as { token?: string; ttl?: string; error?: { message?: string } };
  if (!response.ok || typeof body.token !== "string") {
    throw new Error(`exchangeDebugToken answered ${response.status}: ${body.error?.message ?? "no token"}`);
  }
  return { token: body.token, ttl: body.ttl ?? "" };
}
