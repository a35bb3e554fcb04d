import { createRequire } from "node:module";
import zlib from "node:zlib";
import { importOptional } from "../../errors.js";

/** The npm package that gives Node 20 zstd: the official C library built to WebAssembly, shipped inside the package (no install script, no download). */
export const ZSTD_PACKAGE = "@bokuweb/zstd-wasm";

/** Where zstd comes from: Node's own zlib (Node >= 22.15), the npm package, or nowhere. */
export type ZstdSource = "node:zlib" | typeof ZSTD_PACKAGE | undefined;

/** What {@link detectZstd} looks at; a parameter so the decision can be tested on any Node. */
export interface ZstdEnvironment {
  /** Node's zlib module (it has `zstdCompressSync` from Node 22.15 / 23.8 on). */
  zlib: object;
  /** Resolves a package name from here, or throws when it is not installed. */
  resolve: (name: string) => string;
}

/** Node's own zstd wins (faster, nothing to load); the package is the fallback for older Node. */
export function detectZstd(env: ZstdEnvironment): ZstdSource {
  if (typeof (env.zlib as { zstdCompressSync?: unknown }).zstdCompressSync === "function") {
    return "node:zlib";
  }
  try {
    env.resolve(ZSTD_PACKAGE);
    return ZSTD_PACKAGE;
  } catch {
    return undefined;
  }
}

let detected: { source: ZstdSource } | undefined;

/** {@link detectZstd} for this process, computed once. */
export function zstdSource(): ZstdSource {
  detected ??= {
    source: detectZstd({ zlib, resolve: createRequire(import.meta.url).resolve }),
  };
  return detected.source;
}

/** Compresses a whole buffer at a zstd level. */
export type ZstdCompress = (content: Uint8Array, level: number) => Uint8Array;

interface ZstdWasmModule {
  init(): Promise<void>;
  compress(content: Uint8Array, level?: number): Uint8Array;
}

interface NodeZstd {
  zstdCompressSync(content: Uint8Array, options: { params: Record<number, number> }): Buffer;
  constants: { ZSTD_c_compressionLevel: number };
}

/** Loads the zstd compressor for this process (in a worker: once per worker). */
export async function loadZstd(): Promise<ZstdCompress | undefined> {
  const source = zstdSource();
  if (source === "node:zlib") {
    const native = zlib as unknown as NodeZstd;
    const levelParam = native.constants.ZSTD_c_compressionLevel;
    return (content, level) =>
      native.zstdCompressSync(content, { params: { [levelParam]: level } });
  }
  if (source === ZSTD_PACKAGE) {
    const loaded = await importOptional<ZstdWasmModule & { default?: ZstdWasmModule }>(
      ZSTD_PACKAGE,
      "zstd compression on Node < 22.15",
    );
    // The package is CommonJS; depending on how Node maps it, the API sits on the namespace or on `default`.
    const api = typeof loaded.init === "function" ? loaded : loaded.default!;
    await api.init();
    return (content, level) => api.compress(content, level);
  }
  return undefined;
}
