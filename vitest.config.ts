import { configDefaults, defineConfig } from "vitest/config";

/**
 * Two projects: most test files run in parallel; `*.serial.test.ts` files —
 * those that compare timings on one server (a ping during an attack with the
 * same server's idle ping) — run after them, one at a time, so the rest of
 * the suite does not weigh on their figures.
 */
const SERIAL = "**/*.serial.test.ts";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "parallel",
          include: [
            "server/**/*.test.ts",
            "common/**/*.test.ts",
            "plugins/**/*.test.ts",
            "bench/**/*.test.ts",
            "web/src/**/*.test.ts",
            "examples/**/*.test.ts",
          ],
          exclude: [...configDefaults.exclude, SERIAL],
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "serial",
          include: [`server/${SERIAL}`, `plugins/${SERIAL}`],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
