import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      {
        // The compression worker runs on threads, outside vitest: use its build.
        find: /^\.\/worker-url\.js$/,
        replacement: fileURLToPath(
          new URL("./test/helpers/compress-worker-url.ts", import.meta.url),
        ),
      },
      {
        // So does the sweep's scratch thread.
        find: /^\.\/scratch-worker-url\.js$/,
        replacement: fileURLToPath(new URL("./test/media/scratch-worker-url.ts", import.meta.url)),
      },
    ],
  },
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
          // Builds what runs outside vitest (worker threads, child processes) once.
          globalSetup: ["test/global-setup.ts"],
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
