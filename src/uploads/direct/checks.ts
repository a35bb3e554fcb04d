import { type ResolvedUploadOptions, resolveUploadOptions } from "../options.js";
import { extensions, type Validator } from "../validators.js";
import type { DirectField } from "./options.js";

/** The validators a field's rules stand for, as a form upload's `validators` would list them. */
export function fieldValidators(
  field: Pick<DirectField, "extensions" | "validators">,
): Validator[] {
  return [...(field.extensions ? [extensions(field.extensions)] : []), ...(field.validators ?? [])];
}

/** A field's rules as the upload options a form upload of that field would run with. */
export function fieldUploadOptions(
  name: string,
  field: Pick<DirectField, "extensions" | "validators" | "allowSvg">,
): ResolvedUploadOptions {
  return resolveUploadOptions({
    validators: { [name]: fieldValidators(field) },
    allowSvg: field.allowSvg ?? false,
  });
}
