// `npm run preflight -- --stack dev|prod` (Application Default Credentials) or `-- --url <base>` (the
// local platform): checks what `pulumi up` cannot create; exit 0 when every check passes, 1 otherwise,
// 2 for a problem with the options.
import { resolve } from "node:path";
import { STACKS } from "@genai-platform/infra/plan/run.ts";
import { adcCall, httpCall } from "@genai-platform/ops/google-call.ts";
import { readLocalState } from "@genai-platform/ops/local-state.ts";
import { formatReport, runPreflight } from "@genai-platform/ops/preflight.ts";
import { localPreflightTarget, stackPreflightTarget, stackSettings } from "@genai-platform/ops/targets.ts";
import { type CliSpec, LOCAL_STATE_FILE, runCli } from "./cli.ts";

const ROOT = resolve(import.meta.dirname, "..");

const spec = {
  command: "npm run preflight --",
  usage: ["--stack <dev|prod>", "--url <base of npm start> [--state FILE]"],
  options: {
    stack: { type: "string", oneOf: STACKS },
    url: { type: "string" },
    state: { type: "string" },
  },
} as const satisfies CliSpec;

runCli(spec, process.argv.slice(2), async (values) => {
  if (!values.stack === !values.url) return "one of --stack or --url is required";
  // The local platform needs no credentials: keep Google libraries from probing the metadata server.
  if (!values.stack) process.env.METADATA_SERVER_DETECTION ??= "none";
  try {
    const results = values.stack
      ? await runPreflight(stackPreflightTarget(stackSettings(ROOT, values.stack)), adcCall())
      : await runPreflight(
          localPreflightTarget(await readLocalState(resolve(values.state ?? LOCAL_STATE_FILE))),
          httpCall(),
        );
    console.log(`preflight of ${values.stack ? `stack ${values.stack}` : values.url}`);
    console.log(formatReport(results));
    // SDK clients may hold sockets open: the verdict is final, so end here.
    process.exit(results.every((r) => r.ok) ? 0 : 1);
  } catch (error) {
    console.error(`✗ preflight could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
});
