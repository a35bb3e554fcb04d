import { UploadSizeError } from "./errors.js";

/**
 * The bytes one request holds in memory, against `maxMemoryPerRequest`.
 * Field values must fit (they cannot go anywhere else); files are kept in
 * memory only while fields and files together fit, and go to a temp file
 * past that.
 */
export class MemoryBudget {
  private fields = 0;
  private files = 0;

  constructor(private readonly max: number) {}

  /** Count `bytes` of field values; 413 when the fields alone go past the budget. */
  addField(bytes: number): void {
    this.fields += bytes;
    if (this.fields > this.max) {
      throw new UploadSizeError("fieldsTotalSize", this.max, this.fields);
    }
  }

  /** Reserve `bytes` for a file kept in memory; `false` means: write it to disk instead. */
  reserveFile(bytes: number): boolean {
    if (this.fields + this.files + bytes > this.max) return false;
    this.files += bytes;
    return true;
  }

  /** Give back what a file held once it moved to disk. */
  releaseFile(bytes: number): void {
    this.files -= bytes;
  }
}
