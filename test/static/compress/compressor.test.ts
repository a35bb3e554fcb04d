import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  availableFormats,
  type CompressJob,
  type Compressor,
  createCompressor,
} from "../../../src/static/compress/index.js";

function css(seed: number, rules: number): Uint8Array {
  const lines = Array.from(
    { length: rules },
    (_, i) =>
      `.c${seed}-${i} { padding: ${i % 17}px; color: #${(seed * 7919 + i).toString(16).padStart(6, "0").slice(-6)}; }`,
  );
  return new TextEncoder().encode(lines.join("\n"));
}

const jobs: CompressJob[] = [
  { id: "small", path: "css/small.css", content: css(1, 20) },
  { id: "png", path: "img/logo.png", content: css(2, 50) },
  { id: "noise", path: "data/noise.bin", content: randomBytes(8192) },
  { id: "big", path: "css/big.css", content: css(3, 4000) },
  { id: "tiny", path: "css/tiny.css", content: new TextEncoder().encode("a{b:c}") },
  { id: "font", path: "fonts/f.ttf", content: css(4, 300) },
];

const bytes = (data: Uint8Array | undefined) => Buffer.from(data ?? new Uint8Array());

describe("createCompressor", () => {
  let compressor: Compressor;
  beforeAll(() => {
    compressor = createCompressor({ formats: ["br", "gzip"], workers: 2 });
  });
  afterAll(() => compressor.close());

  it("returns outcomes in input order, with variants that decompress to the original", async () => {
    const outcomes = await compressor.compress(jobs);
    expect(outcomes.map((o) => o.id)).toEqual(jobs.map((j) => j.id));
    for (const id of ["small", "big", "font"]) {
      const index = jobs.findIndex((job) => job.id === id);
      const { variants } = outcomes[index];
      expect(Object.keys(variants).sort()).toEqual(["br", "gzip"]);
      expect(zlib.brotliDecompressSync(variants.br!).equals(bytes(jobs[index].content))).toBe(true);
      expect(zlib.gunzipSync(variants.gzip!).equals(bytes(jobs[index].content))).toBe(true);
    }
  });

  it("gives skipped types, tiny files and incompressible data no variants", async () => {
    const outcomes = await compressor.compress(jobs);
    const byId = Object.fromEntries(outcomes.map((o) => [o.id, o.variants]));
    expect(byId.png).toEqual({});
    expect(byId.tiny).toEqual({});
    expect(byId.noise).toEqual({});
  });

  it("leaves the caller's buffers intact", async () => {
    const content = css(9, 500);
    const copy = Buffer.from(content);
    await compressor.compress([{ id: "x", path: "x.css", content }]);
    expect(content.byteLength).toBe(copy.byteLength);
    expect(Buffer.from(content).equals(copy)).toBe(true);
  });

  it("compresses a small view into a big buffer as just the view", async () => {
    const backing = new Uint8Array(1 << 20);
    const text = css(5, 40);
    backing.set(text, 4096);
    const view = backing.subarray(4096, 4096 + text.byteLength);
    const [outcome] = await compressor.compress([{ id: "v", path: "v.css", content: view }]);
    expect(zlib.gunzipSync(outcome.variants.gzip!).equals(Buffer.from(text))).toBe(true);
  });

  it("reports progress once per file, ending at the total", async () => {
    const calls: [number, number][] = [];
    await compressor.compress(jobs, (done, total) => calls.push([done, total]));
    expect(calls.at(-1)).toEqual([jobs.length, jobs.length]);
    const dones = calls.map(([done]) => done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(new Set(dones).size).toBe(dones.length);
  });

  it("returns an empty list for no jobs", async () => {
    expect(await compressor.compress([])).toEqual([]);
  });
});

describe("determinism", () => {
  it("gives the same bytes on every run and for any number of workers", async () => {
    const runs: Buffer[][] = [];
    for (const workers of [1, 2, 1]) {
      const compressor = createCompressor({ formats: ["br", "gzip"], workers });
      try {
        const outcomes = await compressor.compress(jobs);
        runs.push(outcomes.flatMap((o) => [bytes(o.variants.br), bytes(o.variants.gzip)]));
      } finally {
        await compressor.close();
      }
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});

describe("close", () => {
  it("stops every thread; later calls reject with E_COMPRESSOR_CLOSED", async () => {
    const before = osThreads();
    const compressor = createCompressor({ formats: ["br", "gzip"], workers: 2 });
    expect(compressor.threadCount).toBe(0);
    await compressor.compress(jobs);
    expect(compressor.threadCount).toBe(2);
    if (before !== undefined) expect(osThreads()).toBeGreaterThan(before);
    await compressor.close();
    expect(compressor.threadCount).toBe(0);
    if (before !== undefined) expect(osThreads()).toBeLessThanOrEqual(before);
    await expect(compressor.compress(jobs)).rejects.toMatchObject({ code: "E_COMPRESSOR_CLOSED" });
    await compressor.close();
  });

  it("rejects a call that is still running with E_COMPRESSOR_CLOSED", async () => {
    const compressor = createCompressor({ formats: ["br"], workers: 1, brotliQuality: 11 });
    const running = compressor.compress([{ id: "big", path: "big.css", content: css(6, 40_000) }]);
    const settled = running.catch((error: unknown) => error);
    await compressor.close();
    expect(await settled).toMatchObject({ code: "E_COMPRESSOR_CLOSED" });
    expect(compressor.threadCount).toBe(0);
  });

  it("starts no thread when no format is asked for", async () => {
    const compressor = createCompressor({ formats: [] });
    const outcomes = await compressor.compress(jobs);
    expect(outcomes.every((o) => Object.keys(o.variants).length === 0)).toBe(true);
    expect(compressor.threadCount).toBe(0);
    await compressor.close();
  });
});

describe.runIf(availableFormats().includes("zstd"))("zstd", () => {
  it("produces a zstd variant that decompresses to the original, the same on every run", async () => {
    const decompress = await zstdDecompressor();
    const compressor = createCompressor({ formats: ["zstd"], workers: 1, zstdLevel: 3 });
    try {
      const [first] = await compressor.compress([jobs[3]]);
      const [second] = await compressor.compress([jobs[3]]);
      expect(bytes(decompress(first.variants.zstd!)).equals(bytes(jobs[3].content))).toBe(true);
      expect(bytes(second.variants.zstd)).toEqual(bytes(first.variants.zstd));
    } finally {
      await compressor.close();
    }
  });
});

/** Threads of this process, from /proc (Linux); undefined elsewhere. */
function osThreads(): number | undefined {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    return Number(/^Threads:\s+(\d+)/m.exec(status)?.[1]);
  } catch {
    return undefined;
  }
}

async function zstdDecompressor(): Promise<(data: Uint8Array) => Uint8Array> {
  const native = zlib as unknown as { zstdDecompressSync?: (data: Uint8Array) => Buffer };
  if (native.zstdDecompressSync) return native.zstdDecompressSync;
  const wasm = (await import(createRequire(import.meta.url).resolve("@bokuweb/zstd-wasm"))) as {
    init(): Promise<void>;
    decompress(data: Uint8Array): Uint8Array;
  };
  await wasm.init();
  return (data) => wasm.decompress(data);
}
