// Runs the local Vertex AI server as its own process (the local platform, benchmarks):
// `node serve.ts --port 8090 [--quota 50] [--polls 3] [--storage http://127.0.0.1:9199]`.
// Ready when GET /__control/stats answers; stops on SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { startVertexServer } from "./vertex-server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    quota: { type: "string" },
    polls: { type: "string" },
    storage: { type: "string" },
  },
});

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a whole number, got "${value}"`);
  return parsed;
}

const server = await startVertexServer({
  port: count("port", values.port),
  quotaPerSecond: count("quota", values.quota),
  pollsUntilDone: count("polls", values.polls),
  storageBaseUrl: values.storage,
});
console.log(`local Vertex AI ready on ${server.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.stop().then(() => process.exit(0));
  });
}
