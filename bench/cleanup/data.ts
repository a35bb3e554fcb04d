// The benchmark's names: half of the stored files are referenced, half are
// orphans; the references also name files that are not stored (records whose
// file is gone), up to the reference count.
import { createHash } from "node:crypto";

function hex(kind: string, index: number): string {
  return createHash("sha1").update(`${kind}:${index}`).digest("hex").slice(0, 16);
}

/** The i-th referenced name (stored for i < files / 2). */
export function referencedName(index: number): string {
  return `docs/${(index % 256).toString(16).padStart(2, "0")}/${hex("r", index)}.pdf`;
}

/** The i-th orphan (never referenced). */
export function orphanName(index: number): string {
  return `uploads/${(index % 256).toString(16).padStart(2, "0")}/${hex("o", index)}.pdf`;
}

/** Every stored name: `files / 2` referenced ones, then `files / 2` orphans. */
export function* storedNames(files: number): Generator<string> {
  const half = Math.floor(files / 2);
  for (let index = 0; index < half; index++) yield referencedName(index);
  for (let index = 0; index < files - half; index++) yield orphanName(index);
}
