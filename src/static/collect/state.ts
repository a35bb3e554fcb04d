import { readFile } from "node:fs/promises";
import path from "node:path";
import type { CompressionFormat } from "../../config/types.js";
import { writeAtomic } from "./files.js";

/**
 * The folder that keeps what a collect needs between runs and must not be
 * deployed: `<parent of static.root>/.stowage-cache/<name of static.root>/`,
 * holding the incremental state and the lock. Outside the root, so the root
 * holds only what is served, and two collects of the same sources give the
 * same bytes wherever they run.
 */
export function cacheDirOf(root: string): string {
  return path.join(path.dirname(root), ".stowage-cache", path.basename(root) || "root");
}

const STATE_FILE = "state.json";
export const LOCK_FILE = "collect.lock";
/** Where versions before the cache folder kept the state: inside the root. Removed on the next collect. */
export const LEGACY_STATE_NAME = ".stowage-state.json";
const STATE_VERSION = 2;

export interface SourceStamp {
  absolute: string;
  size: number;
  mtimeMs: number;
}

export interface OutputRecord {
  /** sha256 (hex) of the bytes written at this path. */
  sha: string;
  /** Variants written beside it (`x.css.br`, ...). */
  variants: CompressionFormat[];
  /** True when the output is a symlink to its source (`--link`). */
  link?: boolean;
}

/**
 * What the last collect wrote, so the next one can skip unchanged work. It is
 * a cache: losing it only costs time. While a collect writes, the state on
 * disk is its journal: it names only the outputs that collect leaves alone
 * and no sources, so after a crash the next collect redoes every output the
 * crashed one may have touched.
 */
export interface CollectState {
  version: number;
  /** Fingerprint of every setting that changes the output. */
  settings: string;
  sources: Record<string, SourceStamp>;
  outputs: Record<string, OutputRecord>;
}

export function emptyState(settings: string): CollectState {
  return { version: STATE_VERSION, settings, sources: {}, outputs: {} };
}

/** Read the previous state; anything unreadable or from another version counts as none. */
export async function readState(cacheDir: string): Promise<CollectState | null> {
  try {
    const data = JSON.parse(
      await readFile(path.join(cacheDir, STATE_FILE), "utf8"),
    ) as CollectState;
    return data.version === STATE_VERSION && typeof data.outputs === "object" ? data : null;
  } catch {
    return null;
  }
}

export async function writeState(cacheDir: string, state: CollectState): Promise<void> {
  await writeAtomic(
    path.join(cacheDir, STATE_FILE),
    new TextEncoder().encode(JSON.stringify(state)),
  );
}
