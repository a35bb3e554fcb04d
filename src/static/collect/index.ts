import { rm } from "node:fs/promises";
import path from "node:path";
import type { CompressionFormat } from "../../config/types.js";
import { shouldCompress } from "../compress/index.js";
import { createFinder } from "../finders.js";
import { hashFiles } from "../hashing.js";
import { MANIFEST_NAME, manifestText } from "../manifest.js";
import { findViteBuilds } from "../vite.js";
import { forgetDirs, writeAtomic } from "./files.js";
import { checkLayout } from "./layout.js";
import { mapLimit } from "./limit.js";
import { acquireLock } from "./lock.js";
import type { CollectOptions, CollectSummary } from "./options.js";
import {
  allOutputsPresent,
  leftoversIn,
  listRoot,
  manifestOf,
  type Output,
  outputIsPresent,
  planOutputs,
  removeLeftovers,
  sha256,
} from "./outputs.js";
import { uploadFile, uploadManifest } from "./remote.js";
import { readSources, sameSources, stampSources } from "./sources.js";
import {
  cacheDirOf,
  emptyState,
  LOCK_FILE,
  type OutputRecord,
  readState,
  writeState,
} from "./state.js";
import { writeRoot } from "./write-root.js";

export { CollectLockedError } from "./lock.js";
export type { CollectOptions, CollectPhase, CollectSummary } from "./options.js";
export { VARIANT_EXTENSIONS } from "./outputs.js";
export { cacheDirOf } from "./state.js";

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
 *
 * One collect writes into a root at a time: a second one throws
 * `CollectLockedError` before writing anything. A collect stopped at any
 * point (even by `kill -9`) leaves every variant agreeing with its file, and
 * the next collect finishes the job: see `writeRoot` and `CollectState`.
 */
export async function collect(options: CollectOptions): Promise<CollectSummary> {
  const started = performance.now();
  checkLayout(options.static);
  if (options.dryRun) return collectUnlocked(options, started);
  const cacheDir = cacheDirOf(options.static.root);
  const lock = await acquireLock(path.join(cacheDir, LOCK_FILE));
  try {
    return await collectUnlocked(options, started);
  } finally {
    await lock.release();
  }
}

async function collectUnlocked(options: CollectOptions, started: number): Promise<CollectSummary> {
  const config = options.static;
  const root = config.root;
  const cacheDir = cacheDirOf(root);
  const dryRun = Boolean(options.dryRun);
  const progress = options.onProgress ?? (() => {});

  progress("find", 0, 1);
  const listing = await createFinder(config).list();
  progress("find", 1, 1);
  const settings = settingsFingerprint(options);
  const previous = options.clear ? null : await readState(cacheDir);
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
  // One listing of the root tells which outputs are still there, which
  // variants to remove before a file is replaced, and what a crash left.
  const present = remote ? new Set<string>() : await listRoot(root);
  if (
    state &&
    sameSources(state, stamps) &&
    (remote !== undefined ||
      ((!config.hash || present.has(MANIFEST_NAME)) &&
        allOutputsPresent(present, state) &&
        leftoversIn(present, new Set()).length === 0))
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

  const nextState = emptyState(settings);
  for (const [name, record] of reused) nextState.outputs[name] = record;
  // The journal: until this collect ends, the state names only the outputs
  // it leaves alone, and no sources. After a crash the next collect cannot
  // take the "unchanged" path and rewrites everything this one may have touched.
  await writeState(cacheDir, nextState);
  if (options.clear) {
    await clearRoot(root);
    present.clear();
  } else {
    await removeLeftovers(root, present, new Set(outputs.map((o) => o.path)));
  }

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
    await writeRoot({
      root,
      outputs: toWrite,
      jobs,
      present,
      compressor: { formats, workers: options.workers, brotliQuality: options.brotliQuality },
      onFile(output, bytes) {
        summary.bytes += bytes;
        summary.written.push(output.path);
      },
      onDone(output, kept, bytes) {
        summary.bytes += bytes;
        for (const format of kept) {
          summary.compressed[format] = (summary.compressed[format] ?? 0) + 1;
        }
        record(output, kept);
      },
      progress,
    });
  }

  if (config.hash && hashedFiles) {
    summary.manifest = manifestOf(hashedFiles);
    const text = manifestText(summary.manifest);
    if (remote) await uploadManifest(remote, MANIFEST_NAME, text);
    await writeAtomic(path.join(root, MANIFEST_NAME), new TextEncoder().encode(text));
  }
  nextState.sources = stamps;
  await writeState(cacheDir, nextState);
  summary.ms = Math.round(performance.now() - started);
  return summary;
}

async function clearRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  forgetDirs();
}
