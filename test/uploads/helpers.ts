import { readdir } from "node:fs/promises";
import { Readable } from "node:stream";
import type { UploadOptions } from "../../src/uploads/options.js";
import { parseUpload } from "../../src/uploads/parse.js";
import { makeProject } from "../helpers/project.js";

/** A fresh temp folder per test, so "nothing left behind" is checkable. */
export async function makeTmpDir(): Promise<{
  dir: string;
  files(): Promise<string[]>;
  remove(): Promise<void>;
}> {
  const project = await makeProject();
  const dir = project.path("tmp");
  return { dir, files: async () => readdir(dir).catch(() => []), remove: project.remove };
}

/** The same bytes as a `Buffer`, without a copy (a built form's body is a plain `Uint8Array`). */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Feed `body` in `chunkSize` slices through a Node stream, as a socket would. */
export function streamOf(bytes: Uint8Array, chunkSize = 64 * 1024): Readable {
  const body = asBuffer(bytes);
  const chunks: Buffer[] = [];
  for (let start = 0; start < body.length; start += chunkSize) {
    chunks.push(body.subarray(start, start + chunkSize));
  }
  return Readable.from(chunks);
}

/** `body` cut into pieces of `sizes` (repeated in turn; none: one piece), as a client might send it. */
export function cutInto(bytes: Uint8Array, sizes: number[]): Buffer[] {
  const body = asBuffer(bytes);
  const out: Buffer[] = [];
  let start = 0;
  let index = 0;
  while (start < body.length) {
    const size = sizes.length === 0 ? body.length : sizes[index++ % sizes.length]!;
    out.push(body.subarray(start, start + size));
    start += size;
  }
  return out;
}

/** Parse and return the error (or fail the test when there is none). */
export async function parseError(
  headers: Record<string, string>,
  body: Uint8Array,
  options: UploadOptions,
): Promise<Error & { code: string; status: number; field?: string }> {
  try {
    const result = await parseUpload({ headers, body: streamOf(body) }, options);
    await result.cleanup();
  } catch (error) {
    return error as Error & { code: string; status: number };
  }
  throw new Error("expected the upload to be refused");
}
