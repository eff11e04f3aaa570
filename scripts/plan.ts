// Offline plan: `node scripts/plan.ts --stack dev [--json FILE] [--diff FILE]`. Evaluates the
// Pulumi program under mocks (no credentials, no Pulumi CLI), runs the policy pack, and prints
// what a reviewer needs. Exits 1 on a mandatory policy violation, 2 when the plan cannot be made.
import { parseArgs } from "node:util";
import { platform } from "@genai-platform/definition";
import { runPlan, STACKS } from "@genai-platform/infra/plan/run.ts";
import { evaluateSnapshot } from "@genai-platform/policies/evaluate.ts";

const USAGE = "usage: node scripts/plan.ts --stack <dev|prod> [--json FILE] [--diff FILE]";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, json: { type: "string" }, diff: { type: "string" } },
  });
  const stack = values.stack;
  if (!stack || !(STACKS as readonly string[]).includes(stack)) {
    console.error(USAGE);
    return 2;
  }
  return runPlan({
    stack,
    ...(values.json ? { json: values.json } : {}),
    ...(values.diff ? { diff: values.diff } : {}),
    queues: platform.queues,
    evaluatePolicies: evaluateSnapshot,
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`plan failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
