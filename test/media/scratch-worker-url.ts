import { builtPath } from "../helpers/build-sources.js";

/**
 * Stands in for `src/media/scratch-worker-url.ts` under vitest (see the
 * alias in vitest.config.ts): the scratch thread built from the sources by
 * the global setup, since a worker thread cannot load TypeScript.
 */
export const scratchWorkerUrl = new URL(`file://${builtPath("src/media/scratch-worker.ts")}`);
