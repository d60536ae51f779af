import path from "node:path";
import { defineConfig } from "vitest/config";

/** Browser tests: a real server and Chromium per file, one file at a time. */
export default defineConfig({
  root: path.resolve(import.meta.dirname, ".."),
  test: {
    include: ["e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
  },
});
