import { afterEach, describe, expect, it, vi } from "vitest";

// Under vitest the compressor's worker URL comes from this module (see vitest.config.ts).
const WORKER_URL_MODULE = "../../helpers/compress-worker-url.js";

/** A compressor whose threads run `worker` (a fixture) instead of the real worker. */
async function compressorWith(worker: string, workers = 1) {
  vi.resetModules();
  vi.doMock(WORKER_URL_MODULE, () => ({
    workerUrl: new URL(worker, import.meta.url),
  }));
  const { createCompressor } = await import("../../../src/static/compress/index.js");
  return createCompressor({ formats: ["gzip"], workers });
}

const file = (path: string) => ({ id: path, path, content: new Uint8Array(4096).fill(97) });

afterEach(() => {
  vi.doUnmock(WORKER_URL_MODULE);
});

describe("compressor failures", () => {
  it("names the file whose compression threw, and keeps compressing later calls", async () => {
    const compressor = await compressorWith("./fixtures/failing-worker.mjs");
    try {
      await expect(compressor.compress([file("ok.css"), file("throw.css")])).rejects.toMatchObject({
        code: "E_COMPRESSION_FAILED",
        path: "throw.css",
        message: expect.stringContaining("refused throw.css"),
      });
      const [outcome] = await compressor.compress([file("again.css")]);
      expect(outcome.variants.gzip).toEqual(new Uint8Array([0]));
    } finally {
      await compressor.close();
    }
  });

  it("fails the file whose thread died and replaces the thread for the next call", async () => {
    const compressor = await compressorWith("./fixtures/failing-worker.mjs");
    try {
      await expect(compressor.compress([file("crash.css")])).rejects.toMatchObject({
        code: "E_COMPRESSION_FAILED",
        path: "crash.css",
        message: expect.stringContaining("thread died on crash.css"),
      });
      const [outcome] = await compressor.compress([file("after.css")]);
      expect(outcome.variants.gzip).toBeDefined();
    } finally {
      await compressor.close();
    }
    expect(compressor.threadCount).toBe(0);
  });

  it("fails the call clearly when the worker module cannot load, instead of crashing the process", async () => {
    const compressor = await compressorWith("./fixtures/does-not-exist.mjs");
    try {
      await expect(compressor.compress([file("a.css")])).rejects.toMatchObject({
        code: "E_COMPRESSION_FAILED",
        message: expect.stringMatching(/the worker thread stopped: .*does-not-exist/),
      });
    } finally {
      await compressor.close();
    }
    expect(compressor.threadCount).toBe(0);
  });
});
