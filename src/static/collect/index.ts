import { mkdir, rm } from "node:fs/promises";
import type { CompressionFormat, ResolvedConfig } from "../../config/types.js";
import { createCompressor, shouldCompress } from "../compress/index.js";
import { createFinder, type Duplicate } from "../finders.js";
import { hashFiles } from "../hashing.js";
import { MANIFEST_NAME, type Manifest, writeManifest } from "../manifest.js";
import { findViteBuilds } from "../vite.js";
import { forgetDirs } from "./files.js";
import { checkLayout } from "./layout.js";
import { mapLimit } from "./limit.js";
import {
  allOutputsPresent,
  listRoot,
  manifestOf,
  type Output,
  outputIsPresent,
  planOutputs,
  sha256,
  writeContent,
  writeVariants,
} from "./outputs.js";
import { type CollectStorage, uploadFile, uploadManifest } from "./remote.js";
import { readSources, sameSources, stampSources } from "./sources.js";
import { emptyState, type OutputRecord, readState, writeState } from "./state.js";

export { VARIANT_EXTENSIONS } from "./outputs.js";

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
  /** Brotli quality, 0-11; 11 is WhiteNoise's, 2.4x slower for about 1.5% smaller files. @default 10 */
  brotliQuality?: number;
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

function settingsFingerprint(options: CollectOptions): string {
  const { url, hash, compress } = options.static;
  const target = options.storage ? "storage" : "root";
  return JSON.stringify({ url, hash, compress, link: Boolean(options.link), target });
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
  // What the root holds matters only against a previous state, and only for a local root.
  const present = remote || !state ? new Set<string>() : await listRoot(root);
  if (
    state &&
    sameSources(state, stamps) &&
    (remote !== undefined || allOutputsPresent(present, state))
  ) {
    summary.unchanged = listing.files.size;
    summary.ms = Math.round(performance.now() - started);
    return summary;
  }

  const contents = await readSources(listing.files, (done, total) => progress("read", done, total));

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
      (remote !== undefined || outputIsPresent(present, output.path, record));
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

  if (options.clear) await clearRoot(root);

  const nextState = emptyState(settings);
  nextState.sources = stamps;
  for (const [name, record] of reused) nextState.outputs[name] = record;
  const record = (output: Output, kept: CompressionFormat[]) => {
    nextState.outputs[output.path] = {
      sha: output.sha,
      variants: kept,
      link: output.linkTo ? true : undefined,
    };
  };

  if (remote) {
    let uploaded = 0;
    await mapLimit(toWrite, 8, async (output) => {
      if (await uploadFile(remote, output)) {
        summary.bytes += output.content.byteLength;
        summary.written.push(output.path);
      }
      record(output, []);
      progress("write", ++uploaded, toWrite.length);
    });
  } else {
    // Files are written while the threads compress; each file's variants as soon as they come back.
    const bySha = new Map<string, Output[]>();
    for (const output of toWrite) bySha.set(output.sha, [...(bySha.get(output.sha) ?? []), output]);
    const variantWrites: Promise<void>[] = [];
    const saveVariants = (
      outputs: readonly Output[],
      variants: Partial<Record<CompressionFormat, Uint8Array>>,
    ) => {
      for (const output of outputs) {
        const done = writeVariants(root, output.path, variants).then(({ bytes, kept }) => {
          summary.bytes += bytes;
          for (const format of kept) {
            summary.compressed[format] = (summary.compressed[format] ?? 0) + 1;
          }
          record(output, kept);
        });
        // Awaited below; until then a failure must not count as unhandled.
        done.catch(() => {});
        variantWrites.push(done);
      }
    };
    const compressor =
      jobs.size > 0
        ? createCompressor({
            formats,
            workers: options.workers,
            brotliQuality: options.brotliQuality,
          })
        : null;
    const compressing = compressor
      ? compressor
          .compress(
            [...jobs.values()].map((o) => ({ id: o.sha, path: o.path, content: o.content })),
            (done, total, outcome) => {
              if (outcome) saveVariants(bySha.get(outcome.id) ?? [], outcome.variants);
              progress("compress", done, total);
            },
          )
          .finally(() => compressor.close())
      : Promise.resolve([]);
    let written = 0;
    const writing = mapLimit(toWrite, 16, async (output) => {
      summary.bytes += await writeContent(root, output);
      summary.written.push(output.path);
      // Not compressed this time: remove whatever variants an older content had.
      if (!jobs.has(output.sha)) saveVariants([output], {});
      progress("write", ++written, toWrite.length);
    });
    await Promise.all([compressing, writing]);
    // Every callback has run by now, so the list of variant writes is complete.
    await Promise.all(variantWrites);
  }

  if (config.hash && hashedFiles) {
    summary.manifest = manifestOf(hashedFiles);
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
