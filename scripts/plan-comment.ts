// `npm run plan:comment -- --dir DIR --base-ref main --sha SHA [--limit N]`: the pull request comment
// from what `npm run plan` printed for each stack (DIR/<stack>.txt, exit code in DIR/<stack>.code).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { renderComment } from "@genai-platform/infra/plan/comment.ts";
import { STACKS } from "@genai-platform/infra/plan/run.ts";
import { type CliSpec, runCli } from "./cli.ts";

const spec = {
  command: "npm run plan:comment --",
  usage: "--dir DIR --base-ref REF --sha SHA [--limit CHARACTERS]",
  options: {
    dir: { type: "string", required: true, file: true },
    "base-ref": { type: "string", required: true },
    sha: { type: "string", required: true },
    limit: { type: "string", positive: true },
  },
} as const satisfies CliSpec;

runCli(spec, process.argv.slice(2), (values) => {
  const read = (file: string) =>
    existsSync(join(values.dir, file)) ? readFileSync(join(values.dir, file), "utf8") : "";
  const note = read("base-missing.txt").trim();
  const text = renderComment({
    stacks: STACKS.map((stack) => ({
      stack,
      code: Number(read(`${stack}.code`).trim() || "2"),
      text: read(`${stack}.txt`) || "(the plan printed nothing)",
    })),
    baseRef: values["base-ref"],
    sha: values.sha,
    ...(note ? { note } : {}),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
  });
  process.stdout.write(`${text}\n`);
  return 0;
});
