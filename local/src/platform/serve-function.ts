// Child-process entry that serves ONE deployable bundle the way Cloud Functions does (the same
// functions-framework server), but bound to 127.0.0.1. Arguments: bundle index.js, target, port.
import { pathToFileURL } from "node:url";
import { getTestServer } from "@google-cloud/functions-framework/testing";

const [bundle, target, port] = process.argv.slice(2);
if (!bundle || !target || !port) {
  console.error("usage: serve-function.ts <bundle/index.js> <target> <port>");
  process.exit(2);
}
await import(pathToFileURL(bundle).href);
const server = getTestServer(target);
server.listen(Number(port), "127.0.0.1", () => console.log(`serving ${target} on 127.0.0.1:${port}`));
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
