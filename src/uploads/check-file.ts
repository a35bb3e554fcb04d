import type { FieldError } from "./errors.js";
import type { UploadedFile } from "./file.js";
import type { ResolvedUploadOptions } from "./options.js";
import { SVG_EXTENSIONS, typeAgreesWithExtension, typeMismatchMessage } from "./type-agreement.js";
import type { Validator } from "./validators.js";

/** Validators about the name and size: the cheapest checks, and the easiest for a person to act on. */
const NAME_AND_SIZE_RULES = new Set(["extension", "maxSize", "minSize"]);

async function run(file: UploadedFile, validators: Validator[]): Promise<FieldError[]> {
  const failures: FieldError[] = [];
  for (const validator of validators) {
    const message = await validator.validate(file);
    if (message !== undefined) failures.push({ field: file.field, rule: validator.rule, message });
  }
  return failures;
}

/** The built-in content checks: SVG refused unless allowed, bytes that agree with the name. */
function contentFailure(
  file: UploadedFile,
  options: ResolvedUploadOptions,
): FieldError | undefined {
  const isSvg = file.detectedType === "image/svg+xml" || SVG_EXTENSIONS.has(file.extension);
  if (isSvg && !options.allowSvg) {
    return {
      field: file.field,
      rule: "svg",
      message: "SVG files are not accepted here: they can carry scripts.",
    };
  }
  if (typeAgreesWithExtension(file.detectedType, file.extension)) return undefined;
  const rule = file.size === 0 ? "empty" : "realType";
  return { field: file.field, rule, message: typeMismatchMessage(file) };
}

/**
 * Every reason to refuse `file`, in the order a person can best act on:
 * first the field's name and size rules (`extensions`, `maxSize`,
 * `minSize`), then the built-in content check (an empty `.pdf` is "The file
 * is empty.", an `.exe` renamed `.txt` is "File type .exe is not allowed
 * ..."), then the field's other validators. Each stage runs only when the
 * one before passed, so a file is never judged by the content of a type it
 * does not have.
 */
export async function fileFailures(
  file: UploadedFile,
  options: ResolvedUploadOptions,
): Promise<FieldError[]> {
  const validators = options.validators[file.field] ?? [];
  const nameAndSize = await run(
    file,
    validators.filter((each) => NAME_AND_SIZE_RULES.has(each.rule)),
  );
  if (nameAndSize.length > 0) return nameAndSize;
  if (options.verifyType) {
    const failure = contentFailure(file, options);
    if (failure) return [failure];
  }
  return run(
    file,
    validators.filter((each) => !NAME_AND_SIZE_RULES.has(each.rule)),
  );
}
