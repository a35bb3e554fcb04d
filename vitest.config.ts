import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/package/packed/**"],
        },
      },
      {
        // Tests of the published package: its global setup builds, packs and
        // installs it once (about 30 s), and only when one of these tests runs.
        extends: true,
        test: {
          name: "packed",
          include: ["test/package/packed/**/*.test.ts"],
          globalSetup: ["test/package/packed/setup.ts"],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
