// Fails fast unless the repository's own Node 22 runs the scripts (npm puts node_modules/.bin
// first on PATH, where the `node` devDependency installs it).
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
console.log(`node ${process.version} (${process.execPath})`);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error("Node >= 22.18 is required; run through npm scripts so node_modules/.bin/node is used.");
  process.exit(1);
}
