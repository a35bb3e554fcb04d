import { buildSources } from "./helpers/build-sources.js";

/**
 * Worker threads and child processes run plain JavaScript: build the modules
 * they load from the sources once, before any test file starts.
 */
export async function setup(): Promise<void> {
  await buildSources([
    "src/static/compress/worker.ts",
    "src/static/collect/index.ts",
    "src/media/scratch-worker.ts",
  ]);
}
