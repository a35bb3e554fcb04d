import fsp from "node:fs/promises";
import { UploadedFile } from "./file.js";
import type { FileSink } from "./file-sink.js";
import { sanitizeFilename } from "./naming.js";
import type { PartInfo } from "./part-headers.js";
import { SNIFF_BYTES, sniffType } from "./sniff.js";

/** The first `length` bytes of a temp file, for type detection. */
async function readHead(filePath: string, length: number): Promise<Buffer> {
  const handle = await fsp.open(filePath, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * A file part's bytes are all in: close its sink and describe it, its type
 * sniffed from its first bytes (read back from the temp file when there is
 * one, so nothing is kept aside while it streams).
 */
export async function finishFile(sink: FileSink, info: PartInfo): Promise<UploadedFile> {
  const stored = await sink.finish();
  const head = stored.buffer
    ? stored.buffer.subarray(0, SNIFF_BYTES)
    : await readHead(stored.path!, SNIFF_BYTES);
  const sniffed = await sniffType(head, sink.size <= head.length);
  return new UploadedFile({
    field: info.name,
    filename: sanitizeFilename(info.filename ?? ""),
    clientName: info.filename ?? "",
    size: sink.size,
    clientType: info.contentType,
    detectedType: sniffed.mime,
    detectedExtension: sniffed.ext,
    sha256: stored.sha256,
    buffer: stored.buffer,
    path: stored.path,
  });
}
