import type { CompressionFormat } from "../../config/types.js";
import { StowageError } from "../../errors.js";

/** A format was asked for that this Node and its installed packages cannot produce. */
export class CompressionUnavailableError extends StowageError {
  readonly format: CompressionFormat;

  constructor(format: CompressionFormat, hint: string, options?: { cause?: unknown }) {
    super("E_COMPRESSION_UNAVAILABLE", `Cannot compress with ${format}: ${hint}`, options);
    this.format = format;
  }
}

/** Compressing one file failed inside a worker (or the worker died while doing it). */
export class CompressionFailedError extends StowageError {
  /** The job's `id`, as given by the caller. */
  readonly jobId: string;
  /** The job's relative path. */
  readonly path: string;

  constructor(jobId: string, path: string, reason: string, options?: { cause?: unknown }) {
    super("E_COMPRESSION_FAILED", `Could not compress ${JSON.stringify(path)}: ${reason}`, options);
    this.jobId = jobId;
    this.path = path;
  }
}

/** `compress` was called on, or was still running when, the compressor was closed. */
export class CompressorClosedError extends StowageError {
  constructor() {
    super(
      "E_COMPRESSOR_CLOSED",
      "The compressor was closed; create a new one with createCompressor() to compress more files.",
    );
  }
}
