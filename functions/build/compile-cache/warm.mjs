// The bundle's gcp-build step: Cloud Functions builds the deployed directory with Google's Node.js
// buildpack, which runs `npm run gcp-build` after installing the dependencies
// (https://cloud.google.com/run/docs/runtimes/nodejs, "NPM build scripts"). This loads every module
// the function can load (index.js, each chunk, and the google-gax the Firestore client requires on
// its first call) with Node's compile cache on, so the cache lands beside start.mjs.
//
// Node 22 keys each entry by the module's absolute path and checks the Node version and the module's
// content, so it helps only if the runtime serves this same directory with the same Node; otherwise
// Node ignores it. It can only help: whatever fails here is ignored and the step exits 0, so a
// deploy never fails because of it.
import { readdirSync } from "node:fs";
import module, { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

process.on("uncaughtException", () => {});
process.on("unhandledRejection", () => {});

const here = new URL("./", import.meta.url);
const cacheDir = fileURLToPath(new URL(".node-compile-cache", here));
// (`?.`: Node 22.0 had neither function; 22.1-22.9 flush at exit.)
const directory = module.enableCompileCache?.(cacheDir)?.directory;
if (directory) {
  const modules = ["index.js", ...readdirSync(here).filter((f) => f.startsWith("chunk-") && f.endsWith(".js"))];
  for (const file of modules) {
    // index.js stops at its configuration (the build has none of the runtime's variables); every
    // module it imports is compiled by then.
    await import(new URL(file, here).href).catch(() => {});
  }
  try {
    const require = createRequire(import.meta.url);
    createRequire(require.resolve("@google-cloud/firestore"))("google-gax");
  } catch {
    // a Firestore release without google-gax: the cache only misses what it would have held
  }
  module.flushCompileCache?.();
}
console.log(directory ? `compile cache written to ${directory}` : "compile cache not enabled");
process.exit(0);
