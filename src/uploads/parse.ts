import fsp from "node:fs/promises";
import {
  type FieldError,
  UnsafeFilenameError,
  UploadAbortedError,
  UploadCountError,
  UploadError,
  UploadSizeError,
  UploadTimeoutError,
  UploadValidationError,
} from "./errors.js";
import { removeQuietly, UploadedFile } from "./file.js";
import { FileSink } from "./file-sink.js";
import { MultipartParser } from "./multipart.js";
import { sanitizeFilename, unsafeFilenameReason } from "./naming.js";
import { type ResolvedUploadOptions, resolveUploadOptions, type UploadOptions } from "./options.js";
import type { PartInfo } from "./part-headers.js";
import { bodyKind, declaredLength, openRequest, type UploadRequest } from "./request.js";
import { UploadResult } from "./result.js";
import { detectContentType, typeAgreesWithExtension } from "./sniff.js";
import type { BodySource } from "./source.js";
import { UrlencodedParser } from "./urlencoded.js";

interface Parser {
  write(chunk: Buffer): void;
  end(): void;
}

/** The state of one request's parse; lives until it resolves or rejects. */
class UploadParse {
  private readonly result = new UploadResult();
  private readonly sinks: FileSink[] = [];
  private readonly tempPaths: string[] = [];
  private readonly completions: Promise<void>[] = [];
  private readonly failures: FieldError[] = [];
  private parser!: Parser;
  private source: BodySource | undefined;
  private sink: FileSink | undefined;
  private pendingFile: { sink: FileSink; info: PartInfo; slot: number } | undefined;
  private field: { name: string; chunks: Buffer[]; size: number } | undefined;
  private received = 0;
  private counts = { parts: 0, files: 0, fields: 0 };
  private timer: NodeJS.Timeout | undefined;
  private failed = false;
  private settle!: { resolve(result: UploadResult): void; reject(error: unknown): void };

  constructor(private readonly options: ResolvedUploadOptions) {}

  run(request: UploadRequest): Promise<UploadResult> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      void this.start(request).catch((error) => this.fail(error));
    });
  }

  private async start(request: UploadRequest): Promise<void> {
    const { headers, source } = openRequest(request);
    this.source = source;
    const kind = bodyKind(headers);
    const expected = declaredLength(headers, this.options.maxTotalSize);
    const { signal } = this.options;
    if (signal?.aborted) throw new UploadAbortedError(0, { cause: signal.reason });
    signal?.addEventListener("abort", () => this.fail(new UploadAbortedError(this.received)), {
      once: true,
    });
    if (kind.kind === "multipart") {
      await fsp.mkdir(this.options.tmpDir, { recursive: true, mode: 0o700 });
      this.parser = new MultipartParser(kind.boundary, this.options, {
        onPart: (info) => this.onPart(info),
        onData: (chunk) => this.onPartData(chunk),
        onPartEnd: () => this.onPartEnd(),
      });
    } else {
      this.parser = new UrlencodedParser(this.options, (name, value) => {
        this.countPart("fields");
        this.result.addField(name, value);
      });
    }
    if (this.failed) return;
    if (!source) {
      this.parser.end();
      return this.complete();
    }
    this.armTimer();
    source.start({
      data: (chunk) => this.onChunk(chunk, expected),
      end: () => this.onEnd(expected),
      error: (cause) => this.fail(new UploadAbortedError(this.received, { cause })),
    });
  }

  private onChunk(chunk: Buffer, expected: number | undefined): void {
    if (this.failed) return;
    try {
      this.timer?.refresh();
      this.received += chunk.length;
      if (this.received > this.options.maxTotalSize) {
        throw new UploadSizeError("totalSize", this.options.maxTotalSize, this.received);
      }
      if (expected !== undefined && this.received > expected) {
        throw new UploadError(
          "E_MALFORMED",
          `The body is longer than its Content-Length header says (${expected} bytes).`,
          { status: 400 },
        );
      }
      this.parser.write(chunk);
      const sink = this.sink;
      if (sink?.needsDrain && this.source) {
        const source = this.source;
        source.pause();
        void sink.drained().then(() => {
          if (this.failed) return;
          this.timer?.refresh();
          source.resume();
        });
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private onEnd(expected: number | undefined): void {
    if (this.failed) return;
    try {
      if (expected !== undefined && this.received < expected) {
        throw new UploadAbortedError(this.received);
      }
      this.parser.end();
      void this.complete().catch((error) => this.fail(error));
    } catch (error) {
      this.fail(error);
    }
  }

  private countPart(kind: "files" | "fields"): void {
    this.counts.parts += 1;
    if (this.counts.parts > this.options.maxParts) {
      throw new UploadCountError("parts", this.options.maxParts);
    }
    this.counts[kind] += 1;
    const max = kind === "files" ? this.options.maxFiles : this.options.maxFields;
    if (this.counts[kind] > max) throw new UploadCountError(kind, max);
  }

  private onPart(info: PartInfo): void {
    if (info.filename === undefined) {
      this.countPart("fields");
      this.field = { name: info.name, chunks: [], size: 0 };
      return;
    }
    if (info.filename === "") {
      // An <input type="file"> left empty: browsers send a nameless, empty part. Django skips it too.
      this.counts.parts += 1;
      if (this.counts.parts > this.options.maxParts) {
        throw new UploadCountError("parts", this.options.maxParts);
      }
      return;
    }
    if (this.options.filenames === "reject") {
      const reason = unsafeFilenameReason(info.filename);
      // Before a byte of the file is written: the parse fails and everything so far is removed.
      if (reason !== undefined) throw new UnsafeFilenameError(info.name, info.filename, reason);
    }
    this.countPart("files");
    this.sink = new FileSink({
      field: info.name,
      maxFileSize: this.options.maxFileSize,
      memoryThreshold: this.options.memoryThreshold,
      tmpDir: this.options.tmpDir,
      onTempFile: (filePath) => this.tempPaths.push(filePath),
    });
    this.sinks.push(this.sink);
    this.pendingFile = { sink: this.sink, info, slot: this.result.reserveFile() };
  }

  private onPartData(chunk: Buffer): void {
    if (this.sink) {
      this.sink.write(chunk);
    } else if (this.field) {
      this.field.size += chunk.length;
      if (this.field.size > this.options.maxFieldSize) {
        throw new UploadSizeError("fieldSize", this.options.maxFieldSize, this.field.size, {
          field: this.field.name,
        });
      }
      this.field.chunks.push(Buffer.from(chunk));
    }
    // A skipped empty file part should have no bytes; any it has are dropped.
  }

  private onPartEnd(): void {
    if (this.field) {
      const value = Buffer.concat(this.field.chunks, this.field.size).toString("utf8");
      this.result.addField(this.field.name, value);
      this.field = undefined;
    } else if (this.pendingFile) {
      const pending = this.pendingFile;
      this.completions.push(this.completeFile(pending.sink, pending.info, pending.slot));
      this.pendingFile = undefined;
      this.sink = undefined;
    }
  }

  private async completeFile(sink: FileSink, info: PartInfo, slot: number): Promise<void> {
    const stored = await sink.finish();
    const file = new UploadedFile({
      field: info.name,
      filename: sanitizeFilename(info.filename ?? ""),
      clientName: info.filename ?? "",
      size: sink.size,
      clientType: info.contentType,
      detectedType: await detectContentType(sink.head()),
      sha256: stored.sha256,
      buffer: stored.buffer,
      path: stored.path,
    });
    this.result.setFile(slot, file);
    await this.validate(file);
  }

  private async validate(file: UploadedFile): Promise<void> {
    const report = (rule: string, message: string | undefined) => {
      if (message !== undefined) this.failures.push({ field: file.field, rule, message });
    };
    if (this.options.verifyType) {
      if (file.detectedType === "image/svg+xml" && !this.options.allowSvg) {
        report("svg", "SVG files are not accepted here: they can carry scripts.");
        return;
      }
      if (!typeAgreesWithExtension(file.detectedType, file.extension)) {
        report(
          "realType",
          `The file's content (${file.detectedType}) does not match its extension "${file.extension ? `.${file.extension}` : "(none)"}".`,
        );
        return;
      }
    }
    for (const validator of this.options.validators[file.field] ?? []) {
      report(validator.rule, await validator.validate(file));
    }
  }

  private async complete(): Promise<void> {
    this.clearTimer();
    this.source?.stop();
    await Promise.all(this.completions);
    if (this.failed) return;
    if (this.failures.length > 0) throw new UploadValidationError(this.failures);
    this.settle.resolve(this.result);
  }

  private armTimer(): void {
    const { idleTimeout } = this.options;
    if (!Number.isFinite(idleTimeout)) return;
    this.timer = setTimeout(
      () => this.fail(new UploadTimeoutError(idleTimeout, this.received)),
      idleTimeout,
    );
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stop reading, remove every byte written so far, then reject. Runs once. */
  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.clearTimer();
    this.source?.stop();
    void (async () => {
      await Promise.allSettled(this.sinks.map((sink) => sink.abort()));
      await Promise.allSettled(this.completions);
      await this.result.cleanup().catch(() => undefined);
      await Promise.allSettled(this.tempPaths.map((filePath) => removeQuietly(filePath)));
      this.settle.reject(error);
    })();
  }
}

/**
 * Parses a form upload as it streams in: multipart/form-data or
 * urlencoded, from a Node request, a fetch `Request` or `{ headers, body }`.
 * Limits stop the parse at once; on any failure every temp file is removed
 * before the promise rejects with an `UploadError`. On success, call
 * `result.cleanup()` when done (the framework adapters do it for you).
 */
export function parseUpload(
  request: UploadRequest,
  options?: UploadOptions,
): Promise<UploadResult> {
  return new UploadParse(resolveUploadOptions(options)).run(request);
}
