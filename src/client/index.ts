/**
 * `stowage/client`: sends a `File` from the browser straight to storage (or
 * resumably over tus), then asks the app to confirm it. A plain ES module
 * with no dependencies; serve it as a static file or bundle it.
 */

import { NetworkError, pause, type SendResult, send } from "./transport.js";
import { TusRefusedError, tusUpload } from "./tus.js";

export { NetworkError } from "./transport.js";
export { TusRefusedError } from "./tus.js";

/** Progress of one upload. */
export interface UploadProgress {
  /** Bytes the server has (or is receiving). */
  loaded: number;
  total: number;
  /** 0 to 1. */
  fraction: number;
  phase: "prepare" | "upload" | "confirm";
}

/** A POST of JSON to an app route, or your own function doing it. */
export type AppCall = string | ((body: Record<string, unknown>) => Promise<unknown>);

export interface UploadFileOptions {
  /** The field whose rules apply (a key of the server's `fields`). */
  field: string;
  /** The app route that calls `direct.prepare()` with the posted JSON. */
  prepare: AppCall;
  /** The app route that calls `direct.confirm(body.ticket)`; its JSON answer is returned. */
  confirm: AppCall;
  /**
   * `direct` (one request straight to storage), `tus` (resumable, in
   * chunks), or `auto`: tus from `resumableFrom` bytes.
   * @default "auto"
   */
  method?: "auto" | "direct" | "tus";
  /** Size from which `auto` chooses tus, in bytes. @default 64 MiB */
  resumableFrom?: number;
  /** tus chunk size, in bytes. @default 8 MiB */
  chunkSize?: number;
  /** Attempts after a failed request (network errors and 5xx), with doubling delays. @default 5 */
  retries?: number;
  /** First delay between attempts, in ms. @default 1000 */
  retryDelay?: number;
  /** Compute the file's SHA-256 (reads it whole into memory) for confirm to check. @default false */
  checksum?: boolean;
  /** More keys posted to `confirm` (e.g. a title). */
  extra?: Record<string, unknown>;
  /** Headers for the app routes (e.g. a CSRF token). */
  headers?: Record<string, string>;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** The server refused the upload; `errors` are its messages by field, as for a form upload. */
export class UploadRefusedError extends Error {
  readonly status: number;
  readonly errors: Record<string, string[]>;
  constructor(status: number, errors: Record<string, string[]>) {
    super(Object.values(errors).flat()[0] ?? `The server answered ${status}.`);
    this.name = "UploadRefusedError";
    this.status = status;
    this.errors = errors;
  }
}

interface Prepared {
  ticket: string;
  method: "direct" | "tus";
  upload:
    | { method: "POST"; url: string; fields: Record<string, string>; fileField: string }
    | { method: "PUT"; url: string; headers: Record<string, string> }
    | { method: "TUS"; url: string; metadata: Record<string, string> };
}

function refusal(status: number, text: string): UploadRefusedError {
  try {
    const body = JSON.parse(text) as { errors?: Record<string, string[]> };
    if (body?.errors) return new UploadRefusedError(status, body.errors);
  } catch {
    // Not JSON (a storage's XML error, a proxy's page): say what happened.
  }
  return new UploadRefusedError(status, {
    __all__: [`The upload failed (${status}). Please try again.`],
  });
}

async function callApp(
  call: AppCall,
  body: Record<string, unknown>,
  options: UploadFileOptions,
): Promise<unknown> {
  if (typeof call === "function") return call(body);
  const answer = await send({
    method: "POST",
    url: call,
    headers: { "Content-Type": "application/json", Accept: "application/json", ...options.headers },
    body: new Blob([JSON.stringify(body)], { type: "application/json" }),
    signal: options.signal,
  });
  if (answer.status < 200 || answer.status >= 300) throw refusal(answer.status, answer.text);
  return answer.text === "" ? undefined : JSON.parse(answer.text);
}

async function sha256Hex(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** One direct request: the storage's form POST or a PUT of the bytes. */
function sendDirect(
  file: File,
  upload: Prepared["upload"],
  options: UploadFileOptions,
  onProgress: (sent: number) => void,
): Promise<SendResult> {
  if (upload.method === "POST") {
    const form = new FormData();
    for (const [key, value] of Object.entries(upload.fields)) form.append(key, value);
    form.append(upload.fileField, file, file.name);
    // A form body is a little larger than the file: scale what XMLHttpRequest reports.
    return send({
      method: "POST",
      url: upload.url,
      body: form,
      signal: options.signal,
      onProgress: (sent) => onProgress(Math.min(sent, file.size)),
    });
  }
  if (upload.method === "PUT") {
    return send({
      method: "PUT",
      url: upload.url,
      headers: upload.headers,
      body: file,
      signal: options.signal,
      onProgress,
    });
  }
  throw new Error(`Unknown upload method ${upload.method}.`);
}

function storageFor(key: string): { get(): string | null; set(url: string | null): void } {
  const store = (globalThis as { localStorage?: Storage }).localStorage;
  return {
    get: () => store?.getItem(key) ?? null,
    set: (url) => (url === null ? store?.removeItem(key) : store?.setItem(key, url)),
  };
}

/**
 * Uploads `file` for `options.field`: asks the app for a ticket, sends the
 * bytes where it says (straight to S3/Azure/GCS, to Stowage's endpoint on
 * local disk, or resumably over tus), retrying lost connections, then asks
 * the app to confirm. Resolves with the confirm route's JSON answer; rejects
 * with `UploadRefusedError` (the server's messages by field) when a rule
 * refuses the file.
 */
export async function uploadFile(file: File, options: UploadFileOptions): Promise<unknown> {
  const total = file.size;
  const report = (loaded: number, phase: UploadProgress["phase"]) =>
    options.onProgress?.({ loaded, total, fraction: total === 0 ? 1 : loaded / total, phase });
  const retries = options.retries ?? 5;
  const retryDelay = options.retryDelay ?? 1000;
  const wanted = options.method ?? "auto";
  const method =
    wanted === "auto"
      ? file.size >= (options.resumableFrom ?? 64 * 1024 * 1024)
        ? "tus"
        : "direct"
      : wanted;
  report(0, "prepare");
  const sha256 = options.checksum ? await sha256Hex(file) : undefined;
  const askApp = () =>
    callApp(
      options.prepare,
      {
        field: options.field,
        filename: file.name,
        size: file.size,
        method,
        ...(sha256 ? { sha256 } : {}),
      },
      options,
    ) as Promise<Prepared>;

  // Upload URLs may be relative to the page (Stowage's endpoint, tus): resolve them once.
  const page = (globalThis as { location?: { href: string } }).location?.href;
  const base = typeof options.prepare === "string" ? new URL(options.prepare, page).href : page;
  const ask = async () => {
    const answer = (await askApp()) as Prepared;
    answer.upload.url = new URL(answer.upload.url, base).href;
    return answer;
  };
  let prepared = await ask();
  if (method === "tus") {
    if (prepared.upload.method !== "TUS")
      throw new Error("The server did not prepare a tus upload.");
    // Remembered per file and field, so a reload resumes where the last page stopped.
    const key = `stowage-tus:${options.field}:${file.name}:${file.size}:${file.lastModified}`;
    const memory = storageFor(key);
    const rememberedTicket = storageFor(`${key}:ticket`);
    const earlier = rememberedTicket.get();
    if (memory.get() && earlier) prepared = { ...prepared, ticket: earlier };
    else rememberedTicket.set(prepared.ticket);
    const upload = prepared.upload as Extract<Prepared["upload"], { method: "TUS" }>;
    try {
      await tusUpload(
        file,
        {
          url: upload.url,
          metadata: { ...upload.metadata, ticket: prepared.ticket },
          remember: memory,
        },
        {
          chunkSize: options.chunkSize ?? 8 * 1024 * 1024,
          retries,
          retryDelay,
          signal: options.signal,
          onProgress: (sent) => report(sent, "upload"),
        },
      );
    } catch (error) {
      if (error instanceof TusRefusedError && error.status < 500)
        throw refusal(
          error.status,
          JSON.stringify({ errors: { [options.field]: [error.message] } }),
        );
      throw error;
    }
    rememberedTicket.set(null);
  } else {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const answer = await sendDirect(file, prepared.upload, options, (sent) =>
          report(sent, "upload"),
        );
        if (answer.status >= 200 && answer.status < 300) break;
        if (answer.status < 500 || attempt >= retries) throw refusal(answer.status, answer.text);
      } catch (error) {
        if (!(error instanceof NetworkError) || attempt >= retries) throw error;
      }
      await pause(retryDelay * 2 ** attempt, options.signal);
      // A ticket is good for one upload: a new attempt asks for a new one.
      prepared = await ask();
    }
  }
  report(total, "confirm");
  return callApp(options.confirm, { ticket: prepared.ticket, ...options.extra }, options);
}
