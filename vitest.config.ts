// One vitest run over every package. The functions project shares one Firestore emulator,
// started and stopped by its global setup; every project keeps Google libraries off the metadata
// server.
import { defineConfig } from "vitest/config";

const setupFiles = [new URL("./functions/test/setup-env.ts", import.meta.url).pathname];

export default defineConfig({
  test: {
    projects: [
      { test: { name: "definition", root: "definition", include: ["src/**/*.test.ts"] } },
      { test: { name: "client", root: "client", include: ["src/**/*.test.ts"] } },
      {
        test: {
          name: "functions",
          root: "functions",
          include: ["src/**/*.test.ts", "test/**/*.test.ts", "build/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          setupFiles: [...setupFiles, "test/unhandled-rejections.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "local",
          root: "local",
          include: ["src/**/*.test.ts"],
          setupFiles,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "policies",
          root: "policies",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          // The policy tests are pure functions over fixtures (no mocks, no globals), and most of
          // their time was the same policy modules evaluated again for each of the 39 files.
          isolate: false,
        },
      },
      {
        test: {
          name: "infra",
          root: "infra",
          include: ["**/*.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "ops",
          root: "ops",
          include: ["src/**/*.test.ts"],
          setupFiles,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "scripts",
          root: "scripts",
          include: ["**/*.test.ts"],
          exclude: ["**/node_modules/**"],
          setupFiles,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Headless Chromium against the local platform and the built web app.
        test: {
          name: "web",
          root: "web",
          include: ["test/**/*.test.ts"],
          setupFiles,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      { test: { name: "repository", root: ".", include: ["tools/**/*.test.ts"] } },
    ],
  },
});
