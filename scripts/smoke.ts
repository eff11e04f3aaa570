// `npm run smoke -- --stack dev|prod [--url <base>] --api-key <web API key>` against a deployed stack,
// or `-- --url <base of npm start>` against the local platform: one image end to end, then clean up.
// Exit 0 when every step passed, 1 otherwise.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { readLocalState } from "@genai-platform/ops/local-state.ts";
import { formatSmokeStep, runSmoke } from "@genai-platform/ops/smoke.ts";
import { localSmokeTarget, stackSettings, stackSmokeTarget } from "@genai-platform/ops/targets.ts";

const USAGE = `usage: npm run smoke -- --stack dev|prod [--url <base>] [--api-key KEY] [--service-account EMAIL]
       npm run smoke -- --url <base of npm start> [--state FILE]`;
const ROOT = resolve(import.meta.dirname, "..");

const { values } = parseArgs({
  options: {
    stack: { type: "string" },
    url: { type: "string" },
    "api-key": { type: "string", default: process.env.FIREBASE_WEB_API_KEY },
    "service-account": { type: "string" },
    state: { type: "string", default: resolve(ROOT, ".local", "platform.json") },
  },
});
if (!values.stack && !values.url) {
  console.error(`--stack or --url is required\n${USAGE}`);
  process.exit(2);
}

// The local platform needs no credentials: keep Google libraries from probing the metadata server.
if (!values.stack) process.env.METADATA_SERVER_DETECTION ??= "none";

try {
  let target: Parameters<typeof runSmoke>[0];
  if (values.stack) {
    const apiKey = values["api-key"];
    if (!apiKey) {
      console.error(`a deployed stack needs the Firebase web API key: --api-key or FIREBASE_WEB_API_KEY\n${USAGE}`);
      process.exit(2);
    }
    target = stackSmokeTarget(stackSettings(ROOT, values.stack), {
      webApiKey: apiKey,
      ...(values.url ? { url: values.url } : {}),
      ...(values["service-account"] ? { serviceAccountId: values["service-account"] } : {}),
    });
  } else {
    target = localSmokeTarget(await readLocalState(resolve(values.state)), values.url);
  }
  console.log(`smoke test of ${target.baseUrl}`);
  const steps = await runSmoke(target, (step) => console.log(formatSmokeStep(step)));
  const ok = steps.length > 0 && steps.every((s) => s.ok);
  console.log(ok ? "smoke passed" : "smoke failed");
  process.exit(ok ? 0 : 1);
} catch (error) {
  console.error(`✗ smoke could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
