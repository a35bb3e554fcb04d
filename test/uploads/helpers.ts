import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { UploadOptions } from "../../src/uploads/options.js";
import { parseUpload } from "../../src/uploads/parse.js";

/** A fresh temp folder per test, so "nothing left behind" is checkable. */
export async function makeTmpDir(): Promise<{
  dir: string;
  files(): Promise<string[]>;
  remove(): Promise<void>;
}> {
  const base = await mkdtemp(path.join(os.tmpdir(), "stowage-uploads-test-"));
  const dir = path.join(base, "tmp");
  return {
    dir,
    files: async () => readdir(dir).catch(() => []),
    remove: () => rm(base, { recursive: true, force: true }),
  };
}

/** Feed `body` in `chunkSize` slices through a Node stream, as a socket would. */
export function streamOf(body: Buffer, chunkSize = 64 * 1024): Readable {
  const chunks: Buffer[] = [];
  for (let start = 0; start < body.length; start += chunkSize) {
    chunks.push(body.subarray(start, start + chunkSize));
  }
  return Readable.from(chunks);
}

/** Parse and return the error (or fail the test when there is none). */
export async function parseError(
  headers: Record<string, string>,
  body: Buffer,
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
