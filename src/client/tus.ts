import { NetworkError, pause, send } from "./transport.js";

/** What a tus upload needs from the caller. */
export interface TusTarget {
  /** The creation URL (`prepare`'s `upload.url`). */
  url: string;
  /** `Upload-Metadata` entries (the ticket among them). */
  metadata: Record<string, string>;
  /** Where an upload URL is remembered between page loads. */
  remember: { get(): string | null; set(url: string | null): void };
}

export interface TusRun {
  chunkSize: number;
  retries: number;
  retryDelay: number;
  signal?: AbortSignal;
  onProgress(sent: number): void;
}

const TUS = { "Tus-Resumable": "1.0.0" };

function encodeMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => {
      const bytes = new TextEncoder().encode(value);
      let binary = "";
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return `${key} ${btoa(binary)}`;
    })
    .join(",");
}

/** A refusal from the tus server: no retry helps. */
export class TusRefusedError extends Error {
  readonly status: number;
  constructor(status: number, body: string) {
    super(body.trim() || `The upload server answered ${status}.`);
    this.name = "TusRefusedError";
    this.status = status;
  }
}

/** Where the server has the upload, or `null` when it no longer knows it. */
async function offsetAt(url: string, signal?: AbortSignal): Promise<number | null> {
  const head = await send({ method: "HEAD", url, headers: TUS, signal });
  if (head.status === 404 || head.status === 410) return null;
  if (head.status !== 200) throw new TusRefusedError(head.status, head.text);
  return Number(head.headers.get("Upload-Offset"));
}

async function create(file: Blob, target: TusTarget, signal?: AbortSignal): Promise<string> {
  const created = await send({
    method: "POST",
    url: target.url,
    headers: {
      ...TUS,
      "Upload-Length": String(file.size),
      "Upload-Metadata": encodeMetadata(target.metadata),
    },
    signal,
  });
  const location = created.headers.get("Location");
  if (created.status !== 201 || !location) throw new TusRefusedError(created.status, created.text);
  return new URL(location, new URL(target.url, globalThis.location?.href ?? "http://localhost/"))
    .href;
}

/**
 * Sends `file` over tus 1.0: creates the upload (or takes up a remembered
 * one), then PATCHes it chunk by chunk. After a lost connection it asks
 * the server how much arrived (HEAD) and goes on from there, so no byte the
 * server has is sent twice.
 */
export async function tusUpload(file: Blob, target: TusTarget, run: TusRun): Promise<void> {
  let url = target.remember.get();
  let offset = url ? await offsetAt(url, run.signal).catch(() => null) : null;
  if (url === null || offset === null) {
    url = await create(file, target, run.signal);
    target.remember.set(url);
    offset = 0;
  }
  let failures = 0;
  while (offset < file.size) {
    const start: number = offset;
    const chunk = file.slice(start, Math.min(file.size, start + run.chunkSize));
    try {
      const answer = await send({
        method: "PATCH",
        url,
        headers: {
          ...TUS,
          "Upload-Offset": String(start),
          "Content-Type": "application/offset+octet-stream",
        },
        body: chunk,
        signal: run.signal,
        onProgress: (sent) => run.onProgress(start + sent),
      });
      if (answer.status === 409) {
        // Our offset and the server's disagree (a PATCH we thought lost arrived): ask it.
        offset = (await offsetAt(url, run.signal)) ?? 0;
        continue;
      }
      if (answer.status !== 204) throw new TusRefusedError(answer.status, answer.text);
      offset = Number(answer.headers.get("Upload-Offset"));
      run.onProgress(offset);
      failures = 0;
    } catch (error) {
      const retryable =
        error instanceof NetworkError || (error instanceof TusRefusedError && error.status >= 500);
      if (!retryable || failures >= run.retries) throw error;
      failures += 1;
      await pause(run.retryDelay * 2 ** (failures - 1), run.signal);
      const known = await offsetAt(url, run.signal).catch(() => undefined);
      if (known === null)
        throw new TusRefusedError(410, "The server no longer has this upload. Start it again.");
      if (known !== undefined) offset = known;
    }
  }
  target.remember.set(null);
}
