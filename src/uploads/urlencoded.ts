import { ByteBlocks } from "./byte-blocks.js";
import { UploadSizeError } from "./errors.js";
import { checkFieldName } from "./part-headers.js";

export interface UrlencodedLimits {
  maxFieldSize: number;
  maxFieldNameSize: number;
}

const AMPERSAND = 0x26;

/**
 * A push parser for `application/x-www-form-urlencoded`: holds at most one
 * pair in memory, bounded by the field limits (an encoded byte decodes to at
 * most one byte, so the encoded length bounds the decoded one from above).
 */
export class UrlencodedParser {
  /** The pair being read, copied into blocks: a body sent a byte at a time costs no more. */
  private readonly pending = new ByteBlocks();
  private readonly maxPairBytes: number;

  constructor(
    private readonly limits: UrlencodedLimits,
    private readonly onField: (name: string, value: string) => void,
  ) {
    // Three bytes per `%XX`, plus the `=`.
    this.maxPairBytes = 3 * (limits.maxFieldNameSize + limits.maxFieldSize) + 1;
  }

  write(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const amp = chunk.indexOf(AMPERSAND, start);
      const end = amp === -1 ? chunk.length : amp;
      this.append(chunk.subarray(start, end));
      if (amp === -1) return;
      this.flush();
      start = amp + 1;
    }
  }

  end(): void {
    this.flush();
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const length = this.pending.length + bytes.length;
    if (length > this.maxPairBytes) {
      throw new UploadSizeError("fieldSize", this.limits.maxFieldSize, length / 3);
    }
    this.pending.append(bytes);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const raw = this.pending.take().toString("utf8");
    // URLSearchParams decodes exactly as browsers encode, and is lenient about stray `%`.
    for (const [name, value] of new URLSearchParams(raw)) {
      if (name === "" && value === "") continue;
      checkFieldName(name, this.limits.maxFieldNameSize);
      const valueBytes = Buffer.byteLength(value);
      if (valueBytes > this.limits.maxFieldSize) {
        throw new UploadSizeError("fieldSize", this.limits.maxFieldSize, valueBytes, {
          field: name,
          complete: true,
        });
      }
      this.onField(name, value);
    }
  }
}
