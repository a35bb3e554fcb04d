import type { FieldError } from "../errors.js";
import type { UploadedFile } from "../file.js";
import { typeAgreesWithExtension } from "../sniff.js";
import { extensions, type Validator } from "../validators.js";
import type { ResolvedDirectOptions } from "./options.js";

type Field = ResolvedDirectOptions["fields"][string];

/** The validators a field's rules stand for, in the order a form upload runs them. */
export function fieldValidators(field: Field): Validator[] {
  return [...(field.extensions ? [extensions(field.extensions)] : []), ...field.validators];
}

/**
 * Every reason to refuse `file` under `field`'s rules, with the rules and
 * messages of a form upload: SVG refused unless allowed, bytes that must
 * agree with the extension, then the field's validators.
 */
export async function directFailures(file: UploadedFile, field: Field): Promise<FieldError[]> {
  const fail = (rule: string, message: string): FieldError[] => [
    { field: file.field, rule, message },
  ];
  if (file.detectedType === "image/svg+xml" && !field.allowSvg) {
    return fail("svg", "SVG files are not accepted here: they can carry scripts.");
  }
  if (!typeAgreesWithExtension(file.detectedType, file.extension)) {
    return fail(
      "realType",
      `The file's content (${file.detectedType}) does not match its extension "${file.extension ? `.${file.extension}` : "(none)"}".`,
    );
  }
  const failures: FieldError[] = [];
  for (const validator of fieldValidators(field)) {
    const message = await validator.validate(file);
    if (message !== undefined) failures.push({ field: file.field, rule: validator.rule, message });
  }
  return failures;
}
