import { MalformedUploadError, UploadSizeError } from "./errors.js";
import { type PartInfo, parsePartHeaders } from "./part-headers.js";

/** What the parser reports, synchronously, as bytes go through it. */
export interface MultipartHandlers {
  onPart(info: PartInfo): void;
  /** A slice of the current part's body; only valid during the call. */
  onData(chunk: Buffer): void;
  onPartEnd(): void;
}

export interface MultipartLimits {
  maxHeaderSize: number;
  maxFieldNameSize: number;
}

enum State {
  Preamble = 0,
  AfterDelimiter = 1,
  Headers = 2,
  Body = 3,
  Done = 4,
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const HEADER_END = Buffer.from("\r\n\r\n");
const EMPTY = Buffer.alloc(0);
/** Padding allowed between a boundary and its line break (RFC 2046 "transport padding"). */
const MAX_PADDING = 64;

/** RFC 2046: 1–70 characters from a small set, not ending in a space. */
export function isValidBoundary(boundary: string): boolean {
  return /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary);
}

/**
 * A push parser for multipart/form-data: no I/O, no buffering of bodies.
 * Bodies are found with `Buffer.indexOf` (native search) and handed on as
 * slices of the caller's chunks; only a possible partial delimiter at a
 * chunk's end is carried over, and joined with the next chunk's first bytes.
 * Errors are thrown from `write`/`end` as `UploadError`s.
 */
export class MultipartParser {
  private state = State.Preamble;
  /** `\r\n--boundary`: every delimiter, the first included (we pretend the body starts with CRLF). */
  private readonly delimiter: Buffer;
  /** Bytes held back because they may begin a delimiter. */
  private carry: Buffer;
  /** The header block being read; grown as needed up to `maxHeaderSize`, reused for every part. */
  private headerBytes: Buffer = EMPTY;
  private headerLength = 0;
  private afterDelimiter = "";
  private preambleSeen = 0;

  constructor(
    boundary: string,
    private readonly limits: MultipartLimits,
    private readonly handlers: MultipartHandlers,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, "latin1");
    this.carry = Buffer.from("\r\n");
  }

  /** True once the closing delimiter has been read. */
  get finished(): boolean {
    return this.state === State.Done;
  }

  write(chunk: Buffer): void {
    let rest = chunk;
    // Bytes held back from the last chunk are joined with just enough of this one to tell
    // whether they begin a delimiter: a small copy, never one of the whole chunk.
    while (this.carry.length > 0 && rest.length > 0 && this.state !== State.Done) {
      const take = Math.min(rest.length, this.delimiter.length);
      const joined = Buffer.concat([this.carry, rest.subarray(0, take)]);
      this.carry = EMPTY;
      this.run(joined);
      rest = rest.subarray(take);
    }
    if (rest.length > 0) this.run(rest);
  }

  /** Feed one buffer through the state machine; a possible partial delimiter at its end is carried. */
  private run(buffer: Buffer): void {
    let position = 0;
    while (position < buffer.length) {
      switch (this.state) {
        case State.Preamble:
        case State.Body:
          position = this.scanBody(buffer, position);
          break;
        case State.AfterDelimiter:
          position = this.readAfterDelimiter(buffer, position);
          break;
        case State.Headers:
          position = this.readHeaders(buffer, position);
          break;
        case State.Done:
          // The epilogue carries no data; ignore it.
          return;
      }
    }
  }

  /** The input is over: anything but a finished body is malformed. */
  end(): void {
    if (this.state === State.Done) return;
    if (this.state === State.Preamble) {
      throw new MalformedUploadError(
        "The body does not contain the boundary declared in its Content-Type header; it is not valid multipart/form-data.",
      );
    }
    throw new MalformedUploadError(
      "The body ended before its closing boundary: the upload was cut off. Please try again.",
    );
  }

  private scanBody(buffer: Buffer, start: number): number {
    const found = buffer.indexOf(this.delimiter, start);
    const dataEnd = found === -1 ? this.partialDelimiterStart(buffer, start) : found;
    if (dataEnd > start) this.emitData(buffer, start, dataEnd);
    if (found === -1) {
      if (dataEnd < buffer.length) this.carry = Buffer.from(buffer.subarray(dataEnd));
      return buffer.length;
    }
    if (this.state === State.Body) this.handlers.onPartEnd();
    this.state = State.AfterDelimiter;
    this.afterDelimiter = "";
    return found + this.delimiter.length;
  }

  private emitData(buffer: Buffer, start: number, end: number): void {
    if (this.state === State.Body) {
      this.handlers.onData(buffer.subarray(start, end));
      return;
    }
    // A preamble is legal but never useful; a long one means the boundary is wrong.
    this.preambleSeen += end - start;
    if (this.preambleSeen > this.limits.maxHeaderSize) {
      throw new MalformedUploadError(
        "The body does not start with the boundary declared in its Content-Type header; it is not valid multipart/form-data.",
      );
    }
  }

  /** Where a delimiter may start in the last bytes of `buffer` (which then must be kept). */
  private partialDelimiterStart(buffer: Buffer, start: number): number {
    let index = Math.max(start, buffer.length - this.delimiter.length + 1);
    while (index < buffer.length) {
      index = buffer.indexOf(CR, index);
      if (index === -1) return buffer.length;
      const tail = buffer.subarray(index);
      if (tail.equals(this.delimiter.subarray(0, tail.length))) return index;
      index += 1;
    }
    return buffer.length;
  }

  /** After `\r\n--boundary`: `--` closes the body; optional padding then CRLF opens a part. */
  private readAfterDelimiter(buffer: Buffer, start: number): number {
    let position = start;
    while (position < buffer.length) {
      const byte = buffer[position];
      position += 1;
      const seen = this.afterDelimiter;
      if (seen === "" && byte === DASH) {
        this.afterDelimiter = "-";
      } else if (seen === "-" && byte === DASH) {
        this.state = State.Done;
        return buffer.length;
      } else if (seen.endsWith("\r") && byte === LF) {
        this.state = State.Headers;
        // The block is searched for CRLF CRLF; starting it with the line break just read lets
        // a part with no headers at all end at once.
        if (this.headerBytes.length < 2) this.headerBytes = Buffer.allocUnsafe(256);
        this.headerBytes.write("\r\n", 0, "latin1");
        this.headerLength = 2;
        return position;
      } else if (byte === CR && !seen.endsWith("\r") && seen !== "-") {
        this.afterDelimiter += "\r";
      } else if (
        (byte === 0x20 || byte === 0x09) &&
        /^ *$/.test(seen) &&
        seen.length < MAX_PADDING
      ) {
        this.afterDelimiter += " ";
      } else {
        throw new MalformedUploadError(
          "A boundary line is followed by unexpected bytes; the boundary may appear inside a part or the body is not valid multipart/form-data.",
        );
      }
    }
    return position;
  }

  /**
   * Collect one header block (bounded by `maxHeaderSize`) up to its blank
   * line, copying into one buffer so a block sent a byte at a time costs no
   * more than one sent whole.
   */
  private readHeaders(buffer: Buffer, start: number): number {
    const before = this.headerLength;
    const capacity = this.limits.maxHeaderSize + HEADER_END.length + 2;
    const needed = before + buffer.length - start;
    if (needed > this.headerBytes.length && this.headerBytes.length < capacity) {
      const grown = Buffer.allocUnsafe(
        Math.min(capacity, Math.max(256, before * 2, before + buffer.length - start)),
      );
      this.headerBytes.copy(grown, 0, 0, before);
      this.headerBytes = grown;
    }
    const take = buffer.subarray(start, start + Math.max(this.headerBytes.length - before, 0));
    take.copy(this.headerBytes, before);
    this.headerLength = before + take.length;
    const filled = this.headerBytes.subarray(0, this.headerLength);
    const end = filled.indexOf(HEADER_END, Math.max(0, before - 3));
    if (end === -1) {
      const size = this.headerLength - 2;
      if (size > this.limits.maxHeaderSize) {
        throw new UploadSizeError("headerSize", this.limits.maxHeaderSize, size);
      }
      return start + take.length;
    }
    const block = filled.subarray(2, end);
    if (block.length > this.limits.maxHeaderSize) {
      throw new UploadSizeError("headerSize", this.limits.maxHeaderSize, block.length, {
        complete: true,
      });
    }
    const info = parsePartHeaders(block, this.limits.maxFieldNameSize);
    this.headerLength = 0;
    this.state = State.Body;
    this.handlers.onPart(info);
    return start + (end + HEADER_END.length - before);
  }
}
