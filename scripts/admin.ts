// `npm run admin -- <command>`: the operator controls that work without a deploy (tier, suspend,
// unsuspend, usage, budget, pause, resume), against the running local platform or `--stack dev|prod`.
// Exit 0 done, 1 the operation failed, 2 a problem with the command line (named, with the usage).
import { resolve } from "node:path";
import { STACKS } from "@genai-platform/infra/plan/run.ts";
import { ADMIN_USAGE, parseAdminCommand } from "@genai-platform/ops/admin/admin-command.ts";
import { localAdminTarget, stackAdminTarget } from "@genai-platform/ops/admin/admin-targets.ts";
import { type AdminTarget, runAdmin } from "@genai-platform/ops/admin/run-admin.ts";
import { readLocalState } from "@genai-platform/ops/local-state.ts";
import { stackSettings } from "@genai-platform/ops/targets.ts";
import { type CliSpec, LOCAL_STATE_FILE, runCli } from "./cli.ts";

const ROOT = resolve(import.meta.dirname, "..");

const spec = {
  command: "npm run admin --",
  usage: ADMIN_USAGE,
  options: {
    reason: { type: "string" },
    stack: { type: "string", oneOf: STACKS },
    state: { type: "string" },
    json: { type: "boolean" },
  },
  // The longest command: tier <uid> <tier>.
  positionals: 3,
} as const satisfies CliSpec;

runCli(spec, process.argv.slice(2), async (values, positionals) => {
  const command = parseAdminCommand(positionals, { reason: values.reason });
  if ("problem" in command) return command.problem;
  if (values.stack && values.state) return "--state is the local platform's; it does not go with --stack";
  // The local platform needs no credentials: keep Google libraries from probing the metadata server.
  if (!values.stack) process.env.METADATA_SERVER_DETECTION ??= "none";
  const open = {
    environment: values.stack ?? "local",
    target: async (): Promise<AdminTarget> =>
      values.stack
        ? stackAdminTarget(values.stack, stackSettings(ROOT, values.stack))
        : localAdminTarget(await readLocalState(resolve(values.state ?? LOCAL_STATE_FILE))),
  };
  const code = await runAdmin(command, open, {
    out: (line) => console.log(line),
    audit: (line) => console.error(line),
    json: values.json ?? false,
  });
  // SDK clients may hold sockets open: end here.
  process.exit(code);
});
