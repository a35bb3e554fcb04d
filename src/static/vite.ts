import { readFile } from "node:fs/promises";
import path from "node:path";
import type { FoundFile } from "./finders.js";

/** A Vite build found among the static sources (its `build.manifest` output). */
export interface ViteBuild {
  /** Public folder of the build's outDir, e.g. `dist` (`""` at the top). */
  base: string;
  /** Public path the manifest is collected to: `<base>/.vite/manifest.json`. */
  manifestPath: string;
  manifest: Uint8Array;
  /** Public paths of the files Vite already named by their content. */
  files: string[];
}

interface ViteChunk {
  file?: string;
  css?: string[];
  assets?: string[];
}

const join = (base: string, name: string) => (base === "" ? name : `${base}/${name}`);

/** Every folder (public path -> folder on disk) that holds a found file, up to its source's top. */
function candidateFolders(files: Iterable<FoundFile>): Map<string, string> {
  const folders = new Map<string, string>();
  for (const file of files) {
    let publicDir = path.posix.dirname(file.path);
    let diskDir = path.dirname(file.absolute);
    for (;;) {
      const key = publicDir === "." ? "" : publicDir;
      if (folders.has(key)) break;
      folders.set(key, diskDir);
      if (diskDir === file.source.dir || key === "" || key === file.source.prefix) break;
      publicDir = path.posix.dirname(publicDir);
      diskDir = path.dirname(diskDir);
    }
  }
  return folders;
}

/**
 * Find Vite builds among the collected files: folders with a
 * `.vite/manifest.json` (hidden, so the finders skip it). Their output is
 * already content-hashed; collect keeps those names and copies the manifest
 * so `viteTags()` can read it from `static.root`.
 */
export async function findViteBuilds(files: Map<string, FoundFile>): Promise<ViteBuild[]> {
  const builds: ViteBuild[] = [];
  for (const [base, dir] of candidateFolders(files.values())) {
    let manifest: Buffer;
    try {
      manifest = await readFile(path.join(dir, ".vite", "manifest.json"));
    } catch {
      continue;
    }
    let chunks: Record<string, ViteChunk>;
    try {
      chunks = JSON.parse(manifest.toString("utf8")) as Record<string, ViteChunk>;
    } catch {
      continue;
    }
    const named = new Set<string>();
    for (const chunk of Object.values(chunks)) {
      for (const name of [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]) {
        if (typeof name === "string" && files.has(join(base, name))) named.add(join(base, name));
      }
    }
    builds.push({
      base,
      manifestPath: join(base, ".vite/manifest.json"),
      manifest,
      files: [...named].sort(),
    });
  }
  return builds.sort((a, b) => (a.base < b.base ? -1 : 1));
}
