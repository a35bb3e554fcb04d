import { readFile, stat } from "node:fs/promises";
import { type FoundFile, UnreadableFileError } from "../finders.js";
import { mapLimit } from "./limit.js";
import type { CollectState, SourceStamp } from "./state.js";

export async function stampSources(
  files: Map<string, FoundFile>,
): Promise<Record<string, SourceStamp>> {
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

export function sameSources(state: CollectState, stamps: Record<string, SourceStamp>): boolean {
  const names = Object.keys(stamps);
  if (names.length !== Object.keys(state.sources).length) return false;
  return names.every((name) => {
    const a = stamps[name];
    const b = state.sources[name];
    return b && a.absolute === b.absolute && a.size === b.size && a.mtimeMs === b.mtimeMs;
  });
}

/** Read every source into memory; a file that vanished or cannot be read fails the collect. */
export async function readSources(
  files: Map<string, FoundFile>,
  onRead: (done: number, total: number) => void,
): Promise<Map<string, Uint8Array>> {
  const contents = new Map<string, Uint8Array>();
  let read = 0;
  await mapLimit([...files.values()], 32, async (file) => {
    try {
      contents.set(file.path, await readFile(file.absolute));
    } catch (error) {
      throw sourceError(file.absolute, error);
    }
    onRead(++read, files.size);
  });
  return contents;
}
