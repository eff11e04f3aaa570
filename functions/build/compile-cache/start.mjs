// The module Cloud Functions loads (the bundle's package.json "main"). When the build left a compile
// cache beside this file (warm.mjs, run as the gcp-build step), Node reads its modules' V8 code from
// it instead of compiling them again; then the function itself is loaded. Without that folder (the
// local platform, a build that skipped the step) nothing is enabled, and nothing is written.
// Compile cache: https://nodejs.org/api/module.html#module-compile-cache
import { existsSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";

const cacheDir = fileURLToPath(new URL("./.node-compile-cache", import.meta.url));
// Node documents the cache as an optimization that never throws; a failure only costs the speed-up.
// (`?.`: Node 22.0 had no such function.)
if (existsSync(cacheDir)) module.enableCompileCache?.(cacheDir);
await import("./index.js");
