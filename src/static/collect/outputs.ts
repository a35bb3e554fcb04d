import { createHash } from "node:crypto";
import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { CompressionFormat } from "../../config/types.js";
import type { FoundFile } from "../finders.js";
import type { HashedFile } from "../hashing.js";
import { buildManifest, type Manifest } from "../manifest.js";
import { isTempName, linkAtomic, removeIfPresent, writeAtomic } from "./files.js";
import { mapLimit } from "./limit.js";
import { type CollectState, LEGACY_STATE_NAME, type OutputRecord } from "./state.js";

/** Extension of each precompressed variant. */
export const VARIANT_EXTENSIONS: Record<CompressionFormat, string> = {
  br: ".br",
  gzip: ".gz",
  zstd: ".zst",
};

/** One file collect writes: an original, a hashed copy or a Vite manifest. */
export interface Output {
  path: string;
  content: Uint8Array;
  sha: string;
  /** Source to link to when `--link` applies to this output. */
  linkTo?: string;
  hashed: boolean;
}

export const sha256 = (content: Uint8Array) => createHash("sha256").update(content).digest("hex");
export const sha384 = (content: Uint8Array) =>
  `sha384-${createHash("sha384").update(content).digest("base64")}`;

/**
 * Every file under `root` (relative posix paths), from one `readdir` per
 * folder: far cheaper than a `stat` per output when checking thousands.
 */
export async function listRoot(root: string): Promise<Set<string>> {
  const found = new Set<string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const folders: Promise<void>[] = [];
    for (const entry of entries) {
      const name = prefix + entry.name;
      if (entry.isDirectory()) folders.push(walk(path.join(dir, entry.name), `${name}/`));
      else found.add(name);
    }
    await Promise.all(folders);
  };
  await walk(root, "");
  return found;
}

const FORMATS = Object.keys(VARIANT_EXTENSIONS) as CompressionFormat[];

/**
 * True when the root holds an output with exactly the variants its record
 * names: a variant missing, or one the record does not know (left by
 * something else), means the output must be written again.
 */
export function outputIsPresent(present: Set<string>, name: string, record: OutputRecord): boolean {
  if (!present.has(name)) return false;
  return FORMATS.every(
    (format) => present.has(name + VARIANT_EXTENSIONS[format]) === record.variants.includes(format),
  );
}

/** True when everything the last collect wrote is still there, as it left it. */
export function allOutputsPresent(present: Set<string>, state: CollectState): boolean {
  return Object.entries(state.outputs).every(([name, record]) =>
    outputIsPresent(present, name, record),
  );
}

export function planOutputs(
  files: Map<string, FoundFile>,
  contents: Map<string, Uint8Array>,
  hashedFiles: Map<string, HashedFile> | null,
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

/** Write one output, or link it to its source; returns the bytes written. */
export async function writeContent(root: string, output: Output): Promise<number> {
  const file = path.join(root, output.path);
  if (output.linkTo) {
    await linkAtomic(file, output.linkTo);
    return 0;
  }
  await writeAtomic(file, output.content);
  return output.content.byteLength;
}

/**
 * Remove every variant of `name` the root holds. Runs before the output
 * itself is replaced: from then on its variants are absent or of its new
 * content, never of the old one.
 */
export async function removeVariants(
  root: string,
  name: string,
  present: Set<string>,
): Promise<void> {
  for (const format of FORMATS) {
    const variant = name + VARIANT_EXTENSIONS[format];
    if (present.has(variant)) await removeIfPresent(path.join(root, variant));
  }
}

/** Write the variants an output earned, once the output itself holds the content they were made from. */
export async function writeVariants(
  root: string,
  name: string,
  variants: Partial<Record<CompressionFormat, Uint8Array>>,
): Promise<{ bytes: number; kept: CompressionFormat[] }> {
  let bytes = 0;
  const kept: CompressionFormat[] = [];
  for (const format of FORMATS) {
    const data = variants[format];
    if (!data) continue;
    await writeAtomic(path.join(root, name + VARIANT_EXTENSIONS[format]), data);
    kept.push(format);
    bytes += data.byteLength;
  }
  return { bytes, kept };
}

/** The manifest of a hashing run: original -> hashed names, and SRI for each hashed file. */
export function manifestOf(hashedFiles: Map<string, HashedFile>): Manifest {
  const paths: Record<string, string> = {};
  const integrity: Record<string, string> = {};
  for (const [name, file] of hashedFiles) {
    paths[name] = file.hashedPath;
    integrity[file.hashedPath] = sha384(file.content);
  }
  return buildManifest(paths, integrity);
}

/**
 * Remove what an interrupted collect or an older version left in the root:
 * temp files (never an output of this run) and the state file older versions
 * kept inside the root, which would make the tree differ between machines.
 */
export function leftoversIn(present: Set<string>, outputs: Set<string>): string[] {
  return [...present].filter(
    (name) =>
      !outputs.has(name) && (name === LEGACY_STATE_NAME || isTempName(path.posix.basename(name))),
  );
}

export async function removeLeftovers(
  root: string,
  present: Set<string>,
  outputs: Set<string>,
): Promise<void> {
  await mapLimit(leftoversIn(present, outputs), 16, async (name) => {
    await removeIfPresent(path.join(root, name));
    present.delete(name);
  });
}
