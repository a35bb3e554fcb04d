import type { UploadedFile } from "./file.js";

/**
 * What a parse yields. Records have no prototype, so a field called
 * `toString` is just a field. `cleanup()` removes temp files that were not
 * saved; the Express and Fastify adapters call it after the response.
 */
export class UploadResult {
  /** Each field's last value (as Django's `QueryDict[key]`). */
  readonly fields: Record<string, string> = Object.create(null);
  /** Every value of each field, in order. */
  readonly fieldLists: Record<string, string[]> = Object.create(null);
  /** Files by field name, in the order they arrived. */
  readonly files: Record<string, UploadedFile[]> = Object.create(null);
  private readonly ordered: (UploadedFile | undefined)[] = [];

  /** The first file of `field`, if any. */
  file(field: string): UploadedFile | undefined {
    return this.files[field]?.[0];
  }

  /** Every file, in arrival order. */
  allFiles(): UploadedFile[] {
    return this.ordered.filter((file): file is UploadedFile => file !== undefined);
  }

  /** Removes every temp file not yet saved; safe to call more than once. */
  async cleanup(): Promise<void> {
    await Promise.all(this.allFiles().map((file) => file.cleanup()));
  }

  /** @internal */
  addField(name: string, value: string): void {
    this.fields[name] = value;
    this.fieldLists[name] ??= [];
    this.fieldLists[name].push(value);
  }

  /** @internal Keeps arrival order while files finish writing concurrently. */
  reserveFile(): number {
    this.ordered.push(undefined);
    return this.ordered.length - 1;
  }

  /** @internal */
  setFile(slot: number, file: UploadedFile): void {
    this.ordered[slot] = file;
    const files = this.allFiles().filter((each) => each.field === file.field);
    this.files[file.field] = files;
  }
}
