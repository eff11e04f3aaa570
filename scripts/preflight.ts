// `npm run preflight -- --stack dev|prod` (Application Default Credentials) or `-- --url <base>` (the
// local platform): checks what `pulumi up` cannot create; exit 0 when every check passes, 1 otherwise.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { adcCall, httpCall } from "@genai-platform/ops/google-call.ts";
import { readLocalState } from "@genai-platform/ops/local-state.ts";
import { formatReport, runPreflight } from "@genai-platform/ops/preflight.ts";
import { localPreflightTarget, stackPreflightTarget, stackSettings } from "@genai-platform/ops/targets.ts";

const USAGE = "usage: npm run preflight -- --stack dev|prod | --url <base of npm start> [--state FILE]";
const ROOT = resolve(import.meta.dirname, "..");

const { values } = parseArgs({
  options: {
    stack: { type: "string" },
    url: { type: "string" },
    state: { type: "string", default: resolve(ROOT, ".local", "platform.json") },
  },
});
if (!values.stack === !values.url) {
  console.error(`one of --stack or --url is required\n${USAGE}`);
  process.exit(2);
}

// The local platform needs no credentials: keep Google libraries from probing the metadata server.
if (!values.stack) process.env.METADATA_SERVER_DETECTION ??= "none";

try {
  const results = values.stack
    ? await runPreflight(stackPreflightTarget(stackSettings(ROOT, values.stack)), adcCall())
    : await runPreflight(localPreflightTarget(await readLocalState(resolve(values.state))), httpCall());
  console.log(`preflight of ${values.stack ? `stack ${values.stack}` : values.url}`);
  console.log(formatReport(results));
  process.exit(results.every((r) => r.ok) ? 0 : 1);
} catch (error) {
  console.error(`✗ preflight could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
