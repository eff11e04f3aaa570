// Child-process entry that serves ONE deployable bundle the way Cloud Functions does (the same
// functions-framework server), but bound to 127.0.0.1. Arguments: bundle index.js, target, port.
// For a worker, WORKER_AUTH (JSON: publicJwk, audience, invokerEmail) makes this host play Cloud
// Run's part for an internal service: a request without a valid OIDC token for the worker's URL,
// from the tasks invoker, is refused before the function sees it.
import { createServer, type RequestListener } from "node:http";
import { pathToFileURL } from "node:url";
import type { FunctionName } from "@genai-platform/definition";
import { BODY_LIMITS, guardBodies } from "@genai-platform/functions/adapters/http/body-guard.ts";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { checkWorkerRequest, type WorkerAuthPolicy } from "../tasks/local-oidc-token.ts";

const [bundle, target, port] = process.argv.slice(2);
if (!bundle || !target || !port) {
  console.error("usage: serve-function.ts <bundle/index.js> <target> <port>");
  process.exit(2);
}
// The function must not see the host's own setting.
const workerAuth = process.env.WORKER_AUTH ? (JSON.parse(process.env.WORKER_AUTH) as WorkerAuthPolicy) : undefined;
delete process.env.WORKER_AUTH;

await import(pathToFileURL(bundle).href);
// Bodies are bounded and checked before functions-framework's parsers buffer them (body-guard.ts).
const limit = BODY_LIMITS[target as FunctionName] ?? 64 * 1024;
const app = guardBodies(getTestServer(target).listeners("request")[0] as RequestListener, limit);
/** The host's own readiness probe, answered before any check (Cloud Run probes its containers too). */
const READY_PATH = "/__host/ready";
const server = createServer((req, res) => {
  if (req.url === READY_PATH) {
    res.writeHead(204);
    return res.end();
  }
  if (!workerAuth) return app(req, res);
  void checkWorkerRequest(req.headers.authorization, workerAuth).then((result) => {
    if (result.ok) return app(req, res);
    console.error(
      JSON.stringify({ severity: "WARNING", message: `refused ${req.method} ${req.url}: ${result.reason}` }),
    );
    res.writeHead(result.status, { "content-type": "text/plain" });
    res.end(result.status === 401 ? "401 Unauthorized\n" : "403 Forbidden\n");
  });
});
server.listen(Number(port), "127.0.0.1", () => console.log(`serving ${target} on 127.0.0.1:${port}`));
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
