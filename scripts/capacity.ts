// `npm run capacity -- --users N --peak SECONDS [--stack dev|prod]`: the capacity table from the
// definition (queues, workers, model quota) for a herd of N users arriving over the peak. Exit 0.
import { type DeepReadonly, type ModelChoices, platform } from "@genai-platform/definition";
import { fromQualified, parseStackConfig, stackFileName } from "@genai-platform/infra/config";
import { renderCapacity } from "@genai-platform/infra/plan/capacity.ts";
import { REPO_ROOT } from "@genai-platform/infra/plan/evaluate.ts";
import { STACKS } from "@genai-platform/infra/plan/run.ts";
import { readStackConfig } from "@genai-platform/infra/plan/stack-config.ts";
import { type CliSpec, runCli } from "./cli.ts";

const spec = {
  command: "npm run capacity --",
  usage: "--users N --peak SECONDS [--stack <dev|prod>]",
  options: {
    users: { type: "string", required: true, positive: true },
    peak: { type: "string", required: true, positive: true },
    stack: { type: "string", oneOf: STACKS },
  },
} as const satisfies CliSpec;

runCli(spec, process.argv.slice(2), (values) => {
  let models: DeepReadonly<ModelChoices> = platform.defaultModels;
  if (values.stack) {
    const file = stackFileName(values.stack);
    models = parseStackConfig(fromQualified(readStackConfig(REPO_ROOT, values.stack)), { file }).models;
  }
  console.log(renderCapacity(platform, models, { users: Number(values.users), peakSeconds: Number(values.peak) }));
  return 0;
});
