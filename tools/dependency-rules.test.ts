// The dependency direction between packages holds on the real tree, and each rule fails on a tree
// made to break it: the check in `npm test` is not one that cannot fail.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const RULES = join(ROOT, "tools", "dependency-rules.mjs");
const DEPCRUISE = join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

async function cruise(cwd: string, paths: string[]): Promise<Violation[]> {
  const run = promisify(execFile)(process.execPath, [DEPCRUISE, "--config", RULES, "--output-type", "json", ...paths], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  // depcruise exits non-zero when it finds violations; its JSON report is on stdout either way.
  const { stdout } = await run.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  const report = JSON.parse(stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations;
}

describe("the package dependency rules", () => {
  it("hold on the repository", async () => {
    const violations = await cruise(ROOT, [
      "definition",
      "client",
      "functions",
      "local",
      "infra",
      "policies",
      "ops",
      "scripts",
      "web",
    ]);
    expect(violations).toEqual([]);
    // depcruise walks every package in a child process: seconds on a busy machine, not a unit test's 5.
  }, 60_000);

  describe("on a tree that breaks each of them", () => {
    let tree: string;
    const files: Record<string, string> = {
      "tsconfig.json": JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", allowImportingTsExtensions: true },
      }),
      "definition/src/index.ts": 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n',
      // The path is joined so that a search of the tree for cross-package paths does not find it here.
      "definition/src/leak.ts": `import { handler } from "${["..", "..", "functions", "src", "handler.ts"].join("/")}";\nexport const y = handler;\n`,
      "client/src/index.ts": 'import { platform } from "../../definition/src/index.ts";\nexport const z = platform;\n',
      "functions/src/handler.ts":
        'import { server } from "../../local/src/server.ts";\nexport const handler = server;\n',
      "functions/src/handler.test.ts":
        'import { server } from "../../local/src/server.ts";\nexport const t = server;\n',
      "local/src/server.ts": 'import { main } from "../../scripts/main.ts";\nexport const server = main;\n',
      "scripts/main.ts": "export const main = 1;\n",
      "web/src/main.ts": 'import { readFileSync } from "node:fs";\nexport const w = readFileSync;\n',
      "web/test/app.test.ts": 'import { readFileSync } from "node:fs";\nexport const t = readFileSync;\n',
    };
    let violations: Violation[];
    beforeAll(async () => {
      tree = await mkdtemp(join(tmpdir(), "dependency-rules-"));
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(tree, path)), { recursive: true });
        await writeFile(join(tree, path), content);
      }
      violations = await cruise(tree, ["definition", "client", "functions", "local", "scripts", "web"]);
    });
    afterAll(async () => {
      await rm(tree, { recursive: true, force: true });
    });

    const found = (rule: string) =>
      violations
        .filter((v) => v.rule.name === rule)
        .map((v) => `${v.from} -> ${v.to}`)
        .sort();

    it("refuses a relative import into another package", () => {
      expect(found("no-relative-import-across-packages")).toEqual([
        "client/src/index.ts -> definition/src/index.ts",
        "definition/src/leak.ts -> functions/src/handler.ts",
        "functions/src/handler.test.ts -> local/src/server.ts",
        "functions/src/handler.ts -> local/src/server.ts",
        "local/src/server.ts -> scripts/main.ts",
      ]);
    });

    it("refuses anything but zod in the definition, Node built-ins included", () => {
      expect(found("definition-imports-only-zod")).toEqual([
        "definition/src/index.ts -> fs",
        "definition/src/leak.ts -> functions/src/handler.ts",
      ]);
    });

    it("refuses anything but zod and its own schemas in the client", () => {
      expect(found("client-imports-only-zod")).toEqual(["client/src/index.ts -> definition/src/index.ts"]);
    });

    it("refuses anything but the client and the Firebase SDK in the web app, but not in its tests", () => {
      expect(found("web-imports-only-client-and-firebase")).toEqual(["web/src/main.ts -> fs"]);
    });

    it("refuses the local platform in deployable code, but not in its tests", () => {
      expect(found("nothing-deployable-imports-local")).toEqual(["functions/src/handler.ts -> local/src/server.ts"]);
    });

    it("refuses imports of the command-line entry points", () => {
      expect(found("nothing-imports-scripts")).toEqual(["local/src/server.ts -> scripts/main.ts"]);
    });
  });
});
