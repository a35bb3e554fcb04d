import { randomBytes } from "node:crypto";
import { lstat, mkdir, readlink, rename, symlink, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

const madeDirs = new Set<string>();

async function ensureDir(dir: string): Promise<void> {
  if (madeDirs.has(dir)) return;
  await mkdir(dir, { recursive: true });
  madeDirs.add(dir);
}

/** `.name.<8 hex>.tmp` beside `file`: hidden from servers (a dotfile) and recognisable after a crash. */
function tempNameFor(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(4).toString("hex")}.tmp`,
  );
}

/** Whether a file name (no folder) is one of the temp names above. */
export function isTempName(name: string): boolean {
  return /^\..+\.[0-9a-f]{8}\.tmp$/.test(name);
}

/**
 * Write through a temp file in the same folder and rename it into place, so
 * a server reading the root never sees half a file.
 */
export async function writeAtomic(file: string, content: Uint8Array): Promise<void> {
  await ensureDir(path.dirname(file));
  const temp = tempNameFor(file);
  try {
    await writeFile(temp, content);
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/** Point `file` at `target` with a symlink, replacing whatever was there. */
export async function linkAtomic(file: string, target: string): Promise<void> {
  await ensureDir(path.dirname(file));
  try {
    if ((await lstat(file)).isSymbolicLink() && (await readlink(file)) === target) return;
  } catch {
    // Nothing there yet.
  }
  const temp = tempNameFor(file);
  await symlink(target, temp);
  await rename(temp, file);
}

/** Remove a file if present. */
export async function removeIfPresent(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Forget cached folders (after `--clear` removed them). */
export function forgetDirs(): void {
  madeDirs.clear();
}
