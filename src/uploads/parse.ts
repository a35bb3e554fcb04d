import fsp from "node:fs/promises";
import { ByteBlocks } from "./byte-blocks.js";
import { fileFailures } from "./check-file.js";
import { consumedBodyError } from "./consumed.js";
import { Deadlines } from "./deadlines.js";
import {
  type FieldError,
  keepFields,
  MalformedUploadError,
  UnsafeFilenameError,
  UploadAbortedError,
  UploadError,
  UploadSizeError,
  UploadValidationError,
} from "./errors.js";
import { removeQuietly } from "./file.js";
import { FileSink } from "./file-sink.js";
import { finishFile } from "./finish-file.js";
import { MemoryBudget } from "./memory-budget.js";
import { MultipartParser } from "./multipart.js";
import { unsafeFilenameReason } from "./naming.js";
import { type ResolvedUploadOptions, resolveUploadOptions, type UploadOptions } from "./options.js";
import { PartCounter } from "./part-counter.js";
import { fieldDecoder, type PartInfo } from "./part-headers.js";
import { bodyKind, declaredLength, openRequest, type UploadRequest } from "./request.js";
import { UploadResult } from "./result.js";
import type { BodySource } from "./source.js";
import { UrlencodedParser } from "./urlencoded.js";

interface Parser {
  write(chunk: Buffer): void;
  end(): void;
}

/** The state of one request's parse; lives until it resolves or rejects, then lets go of everything. */
class UploadParse {
  private readonly result = new UploadResult();
  private readonly sinks: FileSink[] = [];
  private readonly tempPaths: string[] = [];
  private readonly completions: Promise<void>[] = [];
  private readonly failures: FieldError[] = [];
  private readonly budget: MemoryBudget;
  private readonly counter: PartCounter;
  private parser!: Parser;
  private source: BodySource | undefined;
  private sink: FileSink | undefined;
  private pendingFile: { sink: FileSink; info: PartInfo; slot: number } | undefined;
  private field: { name: string; value: ByteBlocks; decoder: TextDecoder } | undefined;
  private received = 0;
  private readonly deadlines: Deadlines;
  private readonly onAbort = () => this.fail(new UploadAbortedError(this.received));
  private failed = false;
  private settle!: { resolve(result: UploadResult): void; reject(error: unknown): void };

  constructor(private readonly options: ResolvedUploadOptions) {
    this.budget = new MemoryBudget(options.maxMemoryPerRequest);
    this.counter = new PartCounter(options);
    this.deadlines = new Deadlines(
      options,
      () => this.received,
      (error) => this.fail(error),
    );
  }

  run(request: UploadRequest): Promise<UploadResult> {
    return new Promise<UploadResult>((resolve, reject) => {
      // Whatever the outcome, the signal and the timers must stop pointing at this parse:
      // a long-lived signal shared by many requests would otherwise keep every parse alive.
      this.settle = {
        resolve: (result) => {
          this.release();
          resolve(result);
        },
        reject: (error) => {
          this.release();
          reject(error);
        },
      };
      void this.start(request).catch((error) => this.fail(error));
    });
  }

  private async start(request: UploadRequest): Promise<void> {
    const { headers, source } = openRequest(request);
    const kind = bodyKind(headers);
    // After the type check: a JSON body that express.json() read is still "not a form" (415).
    const consumed = consumedBodyError(request);
    if (consumed) throw consumed;
    this.source = source;
    const expected = declaredLength(headers, this.options.maxTotalSize);
    const { signal } = this.options;
    if (signal?.aborted) throw new UploadAbortedError(0, { cause: signal.reason });
    signal?.addEventListener("abort", this.onAbort, { once: true });
    this.deadlines.start();
    if (kind.kind === "multipart") {
      await fsp.mkdir(this.options.tmpDir, { recursive: true, mode: 0o700 });
      this.parser = new MultipartParser(kind.boundary, this.options, {
        onPart: (info) => this.onPart(info),
        onData: (chunk) => this.onPartData(chunk),
        onPartEnd: () => this.onPartEnd(),
      });
    } else {
      this.parser = new UrlencodedParser(this.options, (name, value) => {
        this.counter.field();
        this.budget.addField(Buffer.byteLength(value));
        this.result.addField(name, value);
      });
    }
    if (this.failed) return;
    if (!source) {
      this.parser.end();
      return this.complete();
    }
    source.start({
      data: (chunk) => this.onChunk(chunk, expected),
      end: () => this.onEnd(expected),
      error: (cause) => this.fail(new UploadAbortedError(this.received, { cause })),
    });
  }

  private onChunk(chunk: Buffer, expected: number | undefined): void {
    if (this.failed) return;
    try {
      this.deadlines.touch();
      this.received += chunk.length;
      if (this.received > this.options.maxTotalSize) {
        throw new UploadSizeError("totalSize", this.options.maxTotalSize, this.received);
      }
      if (expected !== undefined && this.received > expected) {
        throw new MalformedUploadError(
          `The body is longer than its Content-Length header says (${expected} bytes).`,
        );
      }
      this.parser.write(chunk);
      const sink = this.sink;
      if (sink?.needsDrain && this.source) {
        const source = this.source;
        source.pause();
        void sink.drained().then(() => {
          if (this.failed) return;
          this.deadlines.touch();
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

  private onPart(info: PartInfo): void {
    if (info.filename === undefined) {
      this.counter.field();
      this.field = {
        name: info.name,
        value: new ByteBlocks(),
        decoder: fieldDecoder(info.charset, info.name),
      };
      return;
    }
    if (info.filename === "") {
      // An <input type="file"> left empty: browsers send a nameless, empty part. Django skips it too.
      this.counter.part();
      return;
    }
    this.counter.file(info.name);
    if (this.options.filenames === "reject") {
      const reason = unsafeFilenameReason(info.filename);
      // Before a byte of the file is written: the parse fails and everything so far is removed.
      if (reason !== undefined) throw new UnsafeFilenameError(info.name, info.filename, reason);
    }
    this.sink = new FileSink({
      field: info.name,
      maxFileSize: this.options.maxFileSize,
      memoryThreshold: this.options.memoryThreshold,
      tmpDir: this.options.tmpDir,
      budget: this.budget,
      onTempFile: (filePath) => this.tempPaths.push(filePath),
    });
    this.sinks.push(this.sink);
    this.pendingFile = { sink: this.sink, info, slot: this.result.reserveFile() };
  }

  private onPartData(chunk: Buffer): void {
    if (this.sink) {
      this.sink.write(chunk);
    } else if (this.field) {
      const size = this.field.value.length + chunk.length;
      if (size > this.options.maxFieldSize) {
        throw new UploadSizeError("fieldSize", this.options.maxFieldSize, size, {
          field: this.field.name,
        });
      }
      this.budget.addField(chunk.length);
      this.field.value.append(chunk);
    }
    // A skipped empty file part should have no bytes; any it has are dropped.
  }

  private onPartEnd(): void {
    if (this.field) {
      this.result.addField(this.field.name, this.field.decoder.decode(this.field.value.take()));
      this.field = undefined;
    } else if (this.pendingFile) {
      const pending = this.pendingFile;
      const completion = this.completeFile(pending.sink, pending.info, pending.slot);
      // Awaited by `complete` or `fail`; marked handled now, as a failed parse may remove the
      // file while it is still being read.
      completion.catch(() => undefined);
      this.completions.push(completion);
      this.pendingFile = undefined;
      this.sink = undefined;
    }
  }

  private async completeFile(sink: FileSink, info: PartInfo, slot: number): Promise<void> {
    const file = await finishFile(sink, info);
    this.result.setFile(slot, file);
    this.failures.push(...(await fileFailures(file, this.options)));
  }

  private async complete(): Promise<void> {
    this.deadlines.stop();
    this.source?.stop();
    await Promise.all(this.completions);
    if (this.failed) return;
    // Missing files first: the form is incomplete whatever the files it has.
    const failures = [...this.counter.missingFiles(), ...this.failures];
    if (failures.length > 0) throw new UploadValidationError(failures);
    this.settle.resolve(this.result);
  }

  /** The parse is over: nothing outside may keep a reference to it. */
  private release(): void {
    this.deadlines.stop();
    this.options.signal?.removeEventListener("abort", this.onAbort);
  }

  /**
   * Stop reading, remove every byte written so far, then reject with the
   * fields read so far on the error (a field being read is not among them).
   * Runs once.
   */
  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    if (error instanceof UploadError) keepFields(error, this.result.fields);
    this.deadlines.stop();
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
 * Options are checked at once: an unknown or ill-typed one throws
 * `ConfigError` synchronously.
 */
export function parseUpload(
  request: UploadRequest,
  options?: UploadOptions,
): Promise<UploadResult> {
  return new UploadParse(resolveUploadOptions(options)).run(request);
}

/** Parse with options already resolved (adapters resolve theirs once, when they are created). */
export function parseUploadResolved(
  request: UploadRequest,
  options: ResolvedUploadOptions,
): Promise<UploadResult> {
  return new UploadParse(options).run(request);
}
