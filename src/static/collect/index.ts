import { createHash } from "node:crypto";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { CompressionFormat, ResolvedConfig } from "../../config/types.js";
import { createCompressor, shouldCompress } from "../compress/index.js";
import { createFinder, type Duplicate, type FoundFile, UnreadableFileError } from "../finders.js";
import { hashFiles } from "../hashing.js";
import { buildManifest, MANIFEST_NAME, type Manifest, writeManifest } from "../manifest.js";
import { findViteBuilds } from "../vite.js";
import { forgetDirs, linkAtomic, removeIfPresent, writeAtomic } from "./files.js";
import { checkLayout } from "./layout.js";
import { mapLimit } from "./limit.js";
import { type CollectStorage, uploadFile, uploadManifest } from "./remote.js";
import {
  type CollectState,
  emptyState,
  type OutputRecord,
  readState,
  type SourceStamp,
  STATE_NAME,
  writeState,
} from "./state.js";

/** Extension of each precompressed variant. */
export const VARIANT_EXTENSIONS: Record<CompressionFormat, string> = {
  br: ".br",
  gzip: ".gz",
  zstd: ".zst",
};

export type CollectPhase = "find" | "read" | "hash" | "compress" | "write";

export interface CollectOptions {
  /** The resolved `static` section of the config. */
  static: ResolvedConfig["static"];
  /** Empty `static.root` before collecting. @default false */
  clear?: boolean;
  /** Compute everything, write nothing, and list what would be written. @default false */
  dryRun?: boolean;
  /** Symlink originals to their sources instead of copying them. @default false */
  link?: boolean;
  /** Compression worker threads. @default os.availableParallelism() */
  workers?: number;
  onProgress?: (phase: CollectPhase, done: number, total: number) => void;
  /**
   * Upload to this storage (e.g. S3) instead of writing into `static.root`.
   * Hashed files get immutable caching and are skipped when already there;
   * the manifest is uploaded last. The manifest and the incremental state are
   * still written to `static.root`, where `staticUrl` reads them. Variants are
   * not uploaded: object stores do not negotiate encodings; let the CDN do it.
   */
  storage?: CollectStorage;
}

export interface CollectSummary {
  /** Source files found (winners only). */
  files: number;
  /** Originals copied or linked because they were new or changed. */
  collected: number;
  /** Originals already up to date. */
  unchanged: number;
  /** Hashed copies written. */
  hashed: number;
  /** Variants written, per encoding. */
  compressed: Partial<Record<CompressionFormat, number>>;
  /** Bytes written (copies, hashed copies, variants). */
  bytes: number;
  duplicates: Duplicate[];
  ms: number;
  dryRun: boolean;
  /** What was (or, with `dryRun`, would be) written, relative to the root. */
  written: string[];
  manifest: Manifest | null;
}

interface Output {
  path: string;
  content: Uint8Array;
  sha: string;
  /** Source to link to when `--link` applies to this output. */
  linkTo?: string;
  hashed: boolean;
}

const sha256 = (content: Uint8Array) => createHash("sha256").update(content).digest("hex");
const sha384 = (content: Uint8Array) =>
  `sha384-${createHash("sha384").update(content).digest("base64")}`;

function settingsFingerprint(options: CollectOptions): string {
  const { url, hash, compress } = options.static;
  const target = options.storage ? "storage" : "root";
  return JSON.stringify({ url, hash, compress, link: Boolean(options.link), target });
}

async function stampSources(files: Map<string, FoundFile>): Promise<Record<string, SourceStamp>> {
  const stamps: Record<string, SourceStamp> = {};
  await mapLimit([...files.values()], 64, async (file) => {
    const info = await statSource(file.absolute);
    stamps[file.path] = { absolute: file.absolute, size: info.size, mtimeMs: info.mtimeMs };
  });
  return stamps;
}

async function statSource(file: string) {
  try {
    return await stat(file);
  } catch (error) {
    throw sourceError(file, error);
  }
}

function sourceError(file: string, error: unknown): Error {
  if ((error as NodeJS.ErrnoException).code === "ENOENT") {
    return new UnreadableFileError(`${file} (it vanished during the collect)`, { cause: error });
  }
  return new UnreadableFileError(file, { cause: error });
}

function sameSources(state: CollectState, stamps: Record<string, SourceStamp>): boolean {
  const names = Object.keys(stamps);
  if (names.length !== Object.keys(state.sources).length) return false;
  return names.every((name) => {
    const a = stamps[name];
    const b = state.sources[name];
    return b && a.absolute === b.absolute && a.size === b.size && a.mtimeMs === b.mtimeMs;
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function outputIsPresent(root: string, name: string, record: OutputRecord): Promise<boolean> {
  const file = path.join(root, name);
  if (!(await exists(file))) return false;
  for (const format of record.variants) {
    if (!(await exists(file + VARIANT_EXTENSIONS[format]))) return false;
  }
  return true;
}

async function allOutputsPresent(root: string, state: CollectState): Promise<boolean> {
  const entries = Object.entries(state.outputs);
  let ok = await exists(path.join(root, STATE_NAME));
  await mapLimit(entries, 64, async ([name, record]) => {
    if (ok && !(await outputIsPresent(root, name, record))) ok = false;
  });
  return ok;
}

function planOutputs(
  files: Map<string, FoundFile>,
  contents: Map<string, Uint8Array>,
  hashedFiles: ReturnType<typeof hashFiles> | null,
  link: boolean,
): Output[] {
  const shaOf = new WeakMap<Uint8Array, string>();
  const digest = (content: Uint8Array) => {
    let value = shaOf.get(content);
    if (!value) {
      value = sha256(content);
      shaOf.set(content, value);
    }
    return value;
  };
  const outputs: Output[] = [];
  for (const [name, file] of files) {
    const content = contents.get(name)!;
    outputs.push({
      path: name,
      content,
      sha: digest(content),
      linkTo: link ? file.absolute : undefined,
      hashed: false,
    });
    const hashed = hashedFiles?.get(name);
    if (hashed && hashed.hashedPath !== name) {
      outputs.push({
        path: hashed.hashedPath,
        content: hashed.content,
        sha: digest(hashed.content),
        hashed: true,
      });
    }
  }
  return outputs;
}

/**
 * Collect every static source into `static.root`: copy (or link) originals,
 * write content-hashed copies with their references rewritten, precompress,
 * and write the manifest last. Everything that can fail (finding, reading,
 * resolving references) happens before the first write, so a failed collect
 * leaves the previous manifest and files in force.
 */
export async function collect(options: CollectOptions): Promise<CollectSummary> {
  const started = performance.now();
  const config = options.static;
  const root = config.root;
  const dryRun = Boolean(options.dryRun);
  const progress = options.onProgress ?? (() => {});
  checkLayout(config);

  progress("find", 0, 1);
  const listing = await createFinder(config).list();
  progress("find", 1, 1);
  const settings = settingsFingerprint(options);
  const previous = options.clear ? null : await readState(root);
  const state = previous && previous.settings === settings ? previous : null;
  const stamps = await stampSources(listing.files);

  const summary: CollectSummary = {
    files: listing.files.size,
    collected: 0,
    unchanged: 0,
    hashed: 0,
    compressed: {},
    bytes: 0,
    duplicates: listing.duplicates,
    ms: 0,
    dryRun,
    written: [],
    manifest: null,
  };

  const remote = options.storage;
  if (
    state &&
    sameSources(state, stamps) &&
    (remote !== undefined || (await allOutputsPresent(root, state)))
  ) {
    summary.unchanged = listing.files.size;
    summary.ms = Math.round(performance.now() - started);
    return summary;
  }

  const contents = new Map<string, Uint8Array>();
  let read = 0;
  await mapLimit([...listing.files.values()], 32, async (file) => {
    try {
      contents.set(file.path, await readFile(file.absolute));
    } catch (error) {
      throw sourceError(file.absolute, error);
    }
    progress("read", ++read, listing.files.size);
  });

  progress("hash", 0, 1);
  const viteBuilds = await findViteBuilds(listing.files);
  const immutable = new Set(viteBuilds.flatMap((build) => build.files));
  const hashedFiles = config.hash
    ? hashFiles({ files: contents, staticUrl: config.url, immutable })
    : null;
  progress("hash", 1, 1);
  const outputs = planOutputs(listing.files, contents, hashedFiles, Boolean(options.link));
  for (const build of viteBuilds) {
    outputs.push({
      path: build.manifestPath,
      content: build.manifest,
      sha: sha256(build.manifest),
      hashed: false,
    });
  }

  // Decide what must be written and which contents still need compressing.
  const toWrite: Output[] = [];
  const reused = new Map<string, OutputRecord>();
  for (const output of outputs) {
    const record = state?.outputs[output.path];
    const upToDate =
      record !== undefined &&
      record.sha === output.sha &&
      Boolean(record.link) === Boolean(output.linkTo) &&
      (remote !== undefined || (await outputIsPresent(root, output.path, record)));
    if (upToDate) reused.set(output.path, record);
    else toWrite.push(output);
    if (!output.hashed) {
      if (upToDate) summary.unchanged++;
      else summary.collected++;
    } else if (!upToDate) {
      summary.hashed++;
    }
  }

  const formats = remote ? [] : config.compress;
  const jobs = new Map<string, Output>();
  for (const output of toWrite) {
    if (formats.length > 0 && shouldCompress(output.path, output.content.byteLength)) {
      if (!jobs.has(output.sha)) jobs.set(output.sha, output);
    }
  }

  if (dryRun) {
    summary.written = toWrite.map((o) => o.path);
    summary.ms = Math.round(performance.now() - started);
    return summary;
  }

  const variantsBySha = new Map<string, Partial<Record<CompressionFormat, Uint8Array>>>();
  if (jobs.size > 0) {
    const compressor = createCompressor({ formats, workers: options.workers });
    try {
      const results = await compressor.compress(
        [...jobs.values()].map((o) => ({ id: o.sha, path: o.path, content: o.content })),
        (done, total) => progress("compress", done, total),
      );
      for (const result of results) variantsBySha.set(result.id, result.variants);
    } finally {
      await compressor.close();
    }
  }

  if (options.clear) {
    await clearRoot(root);
  }

  const nextState = emptyState(settings);
  nextState.sources = stamps;
  for (const [name, record] of reused) nextState.outputs[name] = record;
  let writtenCount = 0;
  if (remote) {
    await mapLimit(toWrite, 8, async (output) => {
      if (await uploadFile(remote, output)) {
        summary.bytes += output.content.byteLength;
        summary.written.push(output.path);
      }
      nextState.outputs[output.path] = { sha: output.sha, variants: [] };
      progress("write", ++writtenCount, toWrite.length);
    });
  }
  await mapLimit(remote ? [] : toWrite, 16, async (output) => {
    const file = path.join(root, output.path);
    if (output.linkTo) await linkAtomic(file, output.linkTo);
    else await writeAtomic(file, output.content);
    summary.bytes += output.linkTo ? 0 : output.content.byteLength;
    summary.written.push(output.path);
    const variants = variantsBySha.get(output.sha) ?? {};
    const kept: CompressionFormat[] = [];
    for (const format of ["br", "gzip", "zstd"] as const) {
      const variantFile = file + VARIANT_EXTENSIONS[format];
      const bytes = variants[format];
      if (bytes) {
        await writeAtomic(variantFile, bytes);
        kept.push(format);
        summary.bytes += bytes.byteLength;
        summary.compressed[format] = (summary.compressed[format] ?? 0) + 1;
      } else {
        // A variant of older content must not outlive it.
        await removeIfPresent(variantFile);
      }
    }
    nextState.outputs[output.path] = {
      sha: output.sha,
      variants: kept,
      link: output.linkTo ? true : undefined,
    };
    progress("write", ++writtenCount, toWrite.length);
  });

  if (config.hash && hashedFiles) {
    const paths: Record<string, string> = {};
    const integrity: Record<string, string> = {};
    for (const [name, file] of hashedFiles) {
      paths[name] = file.hashedPath;
      integrity[file.hashedPath] = sha384(file.content);
    }
    summary.manifest = buildManifest(paths, integrity);
    if (remote) {
      await uploadManifest(remote, MANIFEST_NAME, `${JSON.stringify(summary.manifest, null, 2)}\n`);
    }
    await mkdir(root, { recursive: true });
    await writeManifest(root, summary.manifest);
  }
  await mkdir(root, { recursive: true });
  await writeState(root, nextState);
  summary.ms = Math.round(performance.now() - started);
  return summary;
}

async function clearRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  forgetDirs();
}
