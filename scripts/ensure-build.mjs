// Builds dist/ when a file under src/ is newer than the last build. Used by
// `npm start` and by the tests that run the example app, which imports the
// package by name (`stowage/...` resolves to dist/). Concurrent callers take
// turns through a lock folder, so two test files never build at once.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const lock = path.join(repo, "node_modules/.cache/stowage-build.lock");
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(path.join(repo, "dist/.tsbuildinfo")).mtimeMs;
  } catch {
    return 0;
  }
}

export function isBuildStale() {
  return newestMtime(path.join(repo, "src")) > builtAt();
}

function tryLock() {
  try {
    mkdirSync(path.dirname(lock), { recursive: true });
    mkdirSync(lock);
    return true;
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS)
        rmSync(lock, { recursive: true, force: true });
    } catch {
      // Removed by its owner meanwhile.
    }
    return false;
  }
}

/**
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<boolean>} whether this call built
 */
export async function ensureBuild({ log = () => {} } = {}) {
  while (isBuildStale()) {
    if (!tryLock()) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (!isBuildStale()) return false;
      log("> build (src/ changed since the last build)");
      const result = spawnSync(
        process.execPath,
        [path.join(repo, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
        { cwd: repo, stdio: "inherit" },
      );
      if (result.status !== 0) throw new Error("The build failed; see the output above.");
      return true;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return false;
}
