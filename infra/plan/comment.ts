// The pull request comment: each stack's verdict and the text `npm run plan -- --diff-only` printed
// for it, cut at whole lines to stay under GitHub's comment size limit, with a line saying so.

/** GitHub refuses issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Marks the comment so the workflow updates it in place instead of adding one per push. */
export const COMMENT_MARKER = "<!-- genai-platform offline plan -->";

export interface StackOutput {
  stack: string;
  /** The plan's exit code: 0 passes, 1 violates a mandatory policy, anything else failed. */
  code: number;
  /** What the plan printed. */
  text: string;
}

export interface CommentOptions {
  stacks: readonly StackOutput[];
  baseRef: string;
  sha: string;
  /** A line above the stacks (e.g. the base branch has no plan yet). */
  note?: string;
  /** Default: a margin under GITHUB_COMMENT_LIMIT. */
  limit?: number;
}

function verdict(code: number): string {
  if (code === 0) return "passes every mandatory policy";
  if (code === 1) return "**violates a mandatory policy**";
  return "**could not be planned**";
}

/** The first lines of `text` that fit in `budget` characters, and a line naming what was left out. */
export function truncateLines(text: string, budget: number, stack: string): string {
  if (text.length <= budget) return text;
  const lines = text.split("\n");
  const footer = (left: number) =>
    `… truncated: ${left} of ${lines.length} lines not shown. Run \`npm run plan -- --stack ${stack}\` for the full output.`;
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 + footer(lines.length).length + 1 > budget) break;
    kept.push(line);
    size += line.length + 1;
  }
  return [...kept, footer(lines.length - kept.length)].join("\n");
}

function section(stack: StackOutput, baseRef: string, body: string): string {
  return [
    `### ${stack.stack}: ${verdict(stack.code)}`,
    "",
    `<details><summary>Diff against ${baseRef} and policy violations</summary>`,
    "",
    "```text",
    body,
    "```",
    "</details>",
  ].join("\n");
}

export function renderComment(options: CommentOptions): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT - 1_000;
  const head = [COMMENT_MARKER, "## Offline plan (declared desired state, not a live diff)", options.note ?? ""]
    .filter((l) => l !== "")
    .join("\n\n");
  const foot = `_Commit ${options.sha.slice(0, 7)}._`;
  const frames = options.stacks.map((s) => section(s, options.baseRef, ""));
  const fixed = head.length + foot.length + frames.reduce((n, f) => n + f.length, 0) + 2 * (frames.length + 1);
  // Stacks share what is left equally; one that needs less leaves the rest to the others.
  let room = Math.max(0, limit - fixed);
  const bodies = new Array<string>(options.stacks.length);
  const order = options.stacks
    .map((_, i) => i)
    .sort((a, b) => options.stacks[a]!.text.length - options.stacks[b]!.text.length);
  order.forEach((index, position) => {
    const stack = options.stacks[index]!;
    const share = Math.floor(room / (order.length - position));
    bodies[index] = truncateLines(stack.text.trimEnd(), share, stack.stack);
    room -= bodies[index]!.length;
  });
  return [head, ...options.stacks.map((s, i) => section(s, options.baseRef, bodies[i]!)), foot].join("\n\n");
}
