import { type FieldError, missingFile, UnexpectedFileError, UploadCountError } from "./errors.js";
import type { ResolvedUploadOptions } from "./options.js";

type CountOptions = Pick<ResolvedUploadOptions, "maxParts" | "maxFiles" | "maxFields" | "files">;

/**
 * Counts one request's parts against `maxParts`, `maxFiles`, `maxFields` and
 * the `files` allowlist, and says which required file fields got nothing.
 */
export class PartCounter {
  private parts = 0;
  private readonly kinds = { files: 0, fields: 0 };
  private readonly perField = new Map<string, number>();

  constructor(private readonly options: CountOptions) {}

  /** One more part of any kind (an empty file input counts too). */
  part(): void {
    this.parts += 1;
    if (this.parts > this.options.maxParts) {
      throw new UploadCountError("parts", this.options.maxParts);
    }
  }

  field(): void {
    this.part();
    this.kinds.fields += 1;
    if (this.kinds.fields > this.options.maxFields) {
      throw new UploadCountError("fields", this.options.maxFields);
    }
  }

  /**
   * One more file in `field`. With a `files` allowlist, a file in another
   * field or one too many in its field is refused before a byte is stored.
   */
  file(field: string): void {
    const allowed = this.options.files;
    if (allowed !== undefined) {
      const seen = (this.perField.get(field) ?? 0) + 1;
      this.perField.set(field, seen);
      const max = Object.hasOwn(allowed, field) ? allowed[field].max : 0;
      if (seen > max) throw new UnexpectedFileError(field, max, Object.keys(allowed));
    }
    this.part();
    this.kinds.files += 1;
    if (this.kinds.files > this.options.maxFiles) {
      throw new UploadCountError("files", this.options.maxFiles);
    }
  }

  /**
   * The allowlist's required fields that got no file, in allowlist order, as
   * failures for `UploadValidationError`. An empty file input is no file.
   */
  missingFiles(): FieldError[] {
    const allowed = this.options.files ?? {};
    return Object.keys(allowed)
      .filter((field) => allowed[field].required && !this.perField.has(field))
      .map(missingFile);
  }
}
