import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The one place the mock runtime is installed before any test file's imports run (see test/setup.ts).
    setupFiles: ["test/setup.mts"],
    // Pulumi's runtime state is process-global: keep every file in its own fork.
    pool: "forks",
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./test/support/summary-reporter.mts"],
  },
});
