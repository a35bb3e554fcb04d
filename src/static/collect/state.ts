import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CompressionFormat } from "../../config/types.js";

/**
 * What the last collect wrote, kept beside the manifest so the next collect
 * can skip unchanged work. It is a cache: losing it only costs time.
 */
export const STATE_NAME = ".stowage-state.json";
const STATE_VERSION = 1;

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
export async function readState(root: string): Promise<CollectState | null> {
  try {
    const data = JSON.parse(await readFile(path.join(root, STATE_NAME), "utf8")) as CollectState;
    return data.version === STATE_VERSION && typeof data.outputs === "object" ? data : null;
  } catch {
    return null;
  }
}

export async function writeState(root: string, state: CollectState): Promise<void> {
  const file = path.join(root, STATE_NAME);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(state));
  await rename(temp, file);
}
