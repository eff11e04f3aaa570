// `npm run policy:check -- <snapshot.json> [--stack dev|prod] [--config FILE]`: the policy pack on a
// saved plan snapshot. Exits 1 on a mandatory violation, 2 when the snapshot or config cannot be read.

import { STACKS } from "@genai-platform/infra/plan/run.ts";
import { checkSnapshot } from "@genai-platform/policies/check.ts";
import { type CliSpec, runCli } from "./cli.ts";

const spec = {
  command: "npm run policy:check --",
  usage: "<snapshot.json> [--stack <dev|prod>] [--config FILE]",
  positionals: 1,
  options: {
    snapshot: { type: "string", file: true },
    stack: { type: "string", oneOf: STACKS },
    config: { type: "string", file: true },
  },
} as const satisfies CliSpec;

runCli(spec, process.argv.slice(2), (values, positionals) => {
  const file = values.snapshot ?? positionals[0];
  if (!file) return "a snapshot file is required (write one with npm run plan -- --stack dev --json FILE)";
  return checkSnapshot(file, {
    ...(values.stack ? { stack: values.stack } : {}),
    ...(values.config ? { config: values.config } : {}),
  });
});
