import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { CompressionFormat } from "../../config/types.js";
import type { FoundFile } from "../finders.js";
import type { HashedFile } from "../hashing.js";
import { buildManifest, type Manifest } from "../manifest.js";
import { linkAtomic, removeIfPresent, writeAtomic } from "./files.js";
import { mapLimit } from "./limit.js";
import { type CollectState, type OutputRecord, STATE_NAME } from "./state.js";

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

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

export async function outputIsPresent(
  root: string,
  name: string,
  record: OutputRecord,
): Promise<boolean> {
  const file = path.join(root, name);
  if (!(await exists(file))) return false;
  for (const format of record.variants) {
    if (!(await exists(file + VARIANT_EXTENSIONS[format]))) return false;
  }
  return true;
}

export async function allOutputsPresent(root: string, state: CollectState): Promise<boolean> {
  const entries = Object.entries(state.outputs);
  let ok = await exists(path.join(root, STATE_NAME));
  await mapLimit(entries, 64, async ([name, record]) => {
    if (ok && !(await outputIsPresent(root, name, record))) ok = false;
  });
  return ok;
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

/**
 * Write one output (or link it to its source) and its variants; remove any
 * variant an older content had but this one did not earn.
 */
export async function writeOutput(
  root: string,
  output: Output,
  variants: Partial<Record<CompressionFormat, Uint8Array>>,
): Promise<{ bytes: number; variants: CompressionFormat[] }> {
  const file = path.join(root, output.path);
  if (output.linkTo) await linkAtomic(file, output.linkTo);
  else await writeAtomic(file, output.content);
  let bytes = output.linkTo ? 0 : output.content.byteLength;
  const kept: CompressionFormat[] = [];
  for (const format of ["br", "gzip", "zstd"] as const) {
    const variantFile = file + VARIANT_EXTENSIONS[format];
    const data = variants[format];
    if (data) {
      await writeAtomic(variantFile, data);
      kept.push(format);
      bytes += data.byteLength;
    } else {
      // A variant of older content must not outlive it.
      await removeIfPresent(variantFile);
    }
  }
  return { bytes, variants: kept };
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
