// `npm run smoke -- --stack dev|prod [--url <base>] --api-key <web API key>` against a deployed stack,
// or `-- --url <base of npm start>` against the local platform: one image end to end, then clean up.
// Exit 0 when every step passed, 1 otherwise, 2 for a problem with the options.
import { resolve } from "node:path";
import { STACKS } from "@genai-platform/infra/plan/run.ts";
import { readLocalState } from "@genai-platform/ops/local-state.ts";
import { formatSmokeStep, runSmoke } from "@genai-platform/ops/smoke.ts";
import { localSmokeTarget, stackSettings, stackSmokeTarget } from "@genai-platform/ops/targets.ts";
import { type CliSpec, LOCAL_STATE_FILE, runCli } from "./cli.ts";

const ROOT = resolve(import.meta.dirname, "..");

const spec = {
  command: "npm run smoke --",
  usage: [
    "--stack <dev|prod> [--url <base>] [--api-key KEY] [--service-account EMAIL]",
    "--url <base of npm start> [--state FILE]",
  ],
  options: {
    stack: { type: "string", oneOf: STACKS },
    url: { type: "string" },
    "api-key": { type: "string" },
    "service-account": { type: "string" },
    state: { type: "string" },
  },
} as const satisfies CliSpec;

runCli(spec, process.argv.slice(2), async (values) => {
  if (!values.stack && !values.url) return "--stack or --url is required";
  const apiKey = values["api-key"] ?? process.env.FIREBASE_WEB_API_KEY;
  if (values.stack && !apiKey)
    return "a deployed stack needs the Firebase web API key: --api-key or FIREBASE_WEB_API_KEY";
  // The local platform needs no credentials: keep Google libraries from probing the metadata server.
  if (!values.stack) process.env.METADATA_SERVER_DETECTION ??= "none";
  try {
    const target: Parameters<typeof runSmoke>[0] = values.stack
      ? stackSmokeTarget(stackSettings(ROOT, values.stack), {
          webApiKey: apiKey ?? "",
          ...(values.url ? { url: values.url } : {}),
          ...(values["service-account"] ? { serviceAccountId: values["service-account"] } : {}),
        })
      : localSmokeTarget(await readLocalState(resolve(values.state ?? LOCAL_STATE_FILE)), values.url);
    console.log(`smoke test of ${target.baseUrl}`);
    const steps = await runSmoke(target, (step) => console.log(formatSmokeStep(step)));
    const ok = steps.length > 0 && steps.every((s) => s.ok);
    console.log(ok ? "smoke passed" : "smoke failed");
    // SDK clients (firebase-admin, the Auth and Firestore connections) may hold sockets open: end here.
    process.exit(ok ? 0 : 1);
  } catch (error) {
    console.error(`✗ smoke could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
});
