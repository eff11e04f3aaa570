import { describe, expect, it } from "vitest";
import { GITHUB_COMMENT_LIMIT, renderComment } from "./comment.ts";

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} line ${i}`).join("\n");

describe("the pull request comment", () => {
  it("gives each stack its verdict and the plan's text", () => {
    expect(
      renderComment({
        stacks: [
          { stack: "dev", code: 0, text: "Changes against the earlier snapshot: 0 to add, 0 to change, 0 to remove\n" },
          { stack: "prod", code: 1, text: "Changes against the earlier snapshot: 1 to add, 0 to change, 0 to remove" },
        ],
        baseRef: "main",
        sha: "0123456789abcdef",
      }),
    ).toMatchInlineSnapshot(`
      "<!-- genai-platform offline plan -->

      ## Offline plan (declared desired state, not a live diff)

      ### dev: passes every mandatory policy

      <details><summary>Diff against main and policy violations</summary>

      \`\`\`text
      Changes against the earlier snapshot: 0 to add, 0 to change, 0 to remove
      \`\`\`
      </details>

      ### prod: **violates a mandatory policy**

      <details><summary>Diff against main and policy violations</summary>

      \`\`\`text
      Changes against the earlier snapshot: 1 to add, 0 to change, 0 to remove
      \`\`\`
      </details>

      _Commit 0123456._"
    `);
  });

  it("stays under GitHub's limit when a plan is huge, with a line saying what was cut", () => {
    const body = renderComment({
      stacks: [
        { stack: "dev", code: 0, text: lines(20_000, "dev") },
        { stack: "prod", code: 2, text: "plan failed: boom" },
      ],
      baseRef: "main",
      sha: "0123456789abcdef",
    });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body).toMatch(
      /… truncated: \d+ of 20000 lines not shown\. Run `npm run plan -- --stack dev` for the full output\./,
    );
    expect(body).toContain("dev line 0\n");
    expect(body).toContain("### prod: **could not be planned**\n");
    expect(body).toContain("plan failed: boom");
    expect(body.endsWith("_Commit 0123456._")).toBe(true);
  });

  it("shares the room between two huge plans and cuts at whole lines", () => {
    const body = renderComment({
      stacks: [
        { stack: "dev", code: 0, text: lines(20_000, "dev") },
        { stack: "prod", code: 0, text: lines(20_000, "prod") },
      ],
      baseRef: "main",
      sha: "abc",
      limit: 10_000,
    });
    expect(body.length).toBeLessThanOrEqual(10_000);
    expect(body.match(/… truncated/g)).toHaveLength(2);
    for (const line of body.split("\n").filter((l) => / line \d/.test(l)))
      expect(line).toMatch(/^(dev|prod) line \d+$/);
  });

  it("leaves a plan that fits untouched", () => {
    const text = lines(100, "dev");
    const body = renderComment({ stacks: [{ stack: "dev", code: 0, text }], baseRef: "main", sha: "abc" });
    expect(body).toContain(text);
    expect(body).not.toContain("truncated");
  });
});
