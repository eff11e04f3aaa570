// Offline plan: `npm run plan -- --stack dev [--json FILE] [--diff FILE [--diff-only]]`. Evaluates
// the Pulumi program under mocks (no credentials, no Pulumi CLI), runs the policy pack, and prints
// what a reviewer needs. Exits 1 on a mandatory policy violation, 2 when the plan cannot be made.
import { platform } from "@genai-platform/definition";
import { runPlan, STACKS } from "@genai-platform/infra/plan/run.ts";
import { evaluateSnapshot } from "@genai-platform/policies/evaluate.ts";
import { type CliSpec, runCli } from "./cli.ts";

const spec = {
  command: "npm run plan --",
  usage: "--stack <dev|prod> [--json FILE] [--diff FILE [--diff-only]]",
  options: {
    stack: { type: "string", required: true, oneOf: STACKS },
    json: { type: "string" },
    diff: { type: "string", file: true },
    "diff-only": { type: "boolean" },
  },
} as const satisfies CliSpec;

runCli(spec, process.argv.slice(2), (values) => {
  if (values["diff-only"] && !values.diff) return "--diff-only needs --diff FILE";
  return runPlan({
    stack: values.stack,
    ...(values.json ? { json: values.json } : {}),
    ...(values.diff ? { diff: values.diff } : {}),
    diffOnly: values["diff-only"] === true,
    queues: platform.queues,
    evaluatePolicies: evaluateSnapshot,
  });
});
