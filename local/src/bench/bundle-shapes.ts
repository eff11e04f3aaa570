// The two bundle shapes the cold-start benchmark compares in one run: the deployed one, and the one
// deployables had before (one file, no code splitting, a second google-auth-library, Cloud Tasks
// through the @google-cloud/tasks library). The previous one exists only here, at build time.
import { fileURLToPath } from "node:url";
import { type BundleShape, DEPLOYED_SHAPE } from "@genai-platform/functions/bundle";

export const SHAPES = ["previous", "current"] as const;
export type ShapeName = (typeof SHAPES)[number];

const CLOUD_TASKS_CLIENT = fileURLToPath(
  import.meta.resolve("@genai-platform/functions/adapters/tasks/cloud-tasks-client.ts"),
);
const GAX_CLOUD_TASKS_CLIENT = fileURLToPath(new URL("./previous-shape/gax-cloud-tasks-client.ts", import.meta.url));

export const BUNDLE_SHAPES: Readonly<Record<ShapeName, BundleShape>> = {
  current: DEPLOYED_SHAPE,
  previous: {
    splitting: false,
    dedupeAuthLibrary: false,
    // The library read its JSON client config from its package folder, so it stayed external.
    externals: ["@google-cloud/tasks"],
    substitutes: { [CLOUD_TASKS_CLIENT]: GAX_CLOUD_TASKS_CLIENT },
    compileCache: false,
    definitionCheckedAtBuild: false,
  },
};
