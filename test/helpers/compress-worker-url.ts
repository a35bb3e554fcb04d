import { builtPath } from "./build-sources.js";

/**
 * Stands in for `src/static/compress/worker-url.ts` under vitest (see the
 * alias in vitest.config.ts): the worker built from the sources by the
 * global setup, since a worker thread cannot load TypeScript.
 */
export const workerUrl = new URL(`file://${builtPath("src/static/compress/worker.ts")}`);
