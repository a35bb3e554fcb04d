/**
 * The scratch thread: the built `scratch-worker.js` beside this module. Only
 * the built package runs it; the test suite, which runs the sources, points
 * this module at a build of the worker it makes once before the tests.
 */
export const scratchWorkerUrl = new URL("./scratch-worker.js", import.meta.url);
