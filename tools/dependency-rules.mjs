// The dependency direction between the packages, checked by dependency-cruiser in `npm test`
// (tools/dependency-rules.test.ts runs it over the tree, and over a tree made to break each rule).
const PACKAGES = "definition|client|functions|local|infra|policies|ops|scripts|web";
const TEST = "(\\.test\\.ts$|/test/)";

/** @type {import("dependency-cruiser").IForbiddenRuleType[]} */
export const forbidden = [
  {
    name: "no-relative-import-across-packages",
    comment: "A package reaches another only by name, through that package's exports.",
    severity: "error",
    from: { path: `^(${PACKAGES})/` },
    to: { dependencyTypes: ["local"], pathNot: ["^$1/"] },
  },
  {
    name: "definition-imports-only-zod",
    comment: "The definition is pure data: cheap to load for cold starts, infra and policies.",
    severity: "error",
    from: { path: "^definition/", pathNot: TEST },
    to: { pathNot: ["^definition/", "node_modules/zod/"] },
  },
  {
    name: "client-imports-only-zod",
    comment: "The client runs in browsers: zod and its own API schemas, nothing else.",
    severity: "error",
    from: { path: "^client/", pathNot: TEST },
    to: { pathNot: ["^client/", "node_modules/zod/"] },
  },
  {
    name: "web-imports-only-client-and-firebase",
    comment: "The reference web app is what a web developer writes: the typed client and the Firebase JS SDK.",
    severity: "error",
    from: { path: "^web/", pathNot: [TEST, "^web/vite\\.config\\.ts$"] },
    to: { pathNot: ["^web/", "^client/", "node_modules/(firebase|@firebase)/", "\\.css$"] },
  },
  {
    name: "nothing-deployable-imports-local",
    comment: "The offline twin of Google Cloud is never deployed: functions reach it only from tests.",
    severity: "error",
    from: { path: "^functions/", pathNot: TEST },
    to: { path: "^local/" },
  },
  {
    name: "nothing-imports-scripts",
    comment: "scripts/ holds entry points; logic they share lives in a package.",
    severity: "error",
    from: { pathNot: "^scripts/" },
    to: { path: "^scripts/" },
  },
];

/** @type {import("dependency-cruiser").ICruiseOptions} */
export const options = {
  doNotFollow: { path: "node_modules" },
  exclude: { path: "(^|/)(node_modules|dist|\\.local|coverage)/" },
  tsPreCompilationDeps: true,
  tsConfig: { fileName: "tsconfig.json" },
  enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "node", "default"] },
};

export default { forbidden, options };
