import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

// A fresh Node process records every module the definition pulls in, through Node's own
// resolution hooks: the definition must stay cheap for cold starts and for infra.
const recorder = `
import { registerHooks } from "node:module";
const seen = new Set();
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
await import(process.argv[1]);
process.stdout.write(JSON.stringify([...seen]));
`;

function modulesLoadedBy(modulePath: string): string[] {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", recorder, modulePath], { encoding: "utf8" });
  return JSON.parse(out) as string[];
}

function packageOf(url: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match?.[1];
}

it("loads no package other than zod when the definition is imported", () => {
  const loaded = modulesLoadedBy(fileURLToPath(new URL("./index.ts", import.meta.url)));
  const packages = new Set(loaded.map(packageOf).filter((p) => p !== undefined));
  const builtins = loaded.filter((url) => url.startsWith("node:"));
  expect([...packages]).toEqual(["zod"]);
  expect(builtins).toEqual([]);
  // Sanity: the recorder really saw the definition's own files.
  expect(loaded.some((url) => url.endsWith("/definition/src/definition.ts"))).toBe(true);
});
