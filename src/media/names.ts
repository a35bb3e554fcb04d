import { checkName } from "../storage/names.js";

/**
 * Names that `checkName` accepts and returns unchanged, decided by one regular
 * expression: parts of ASCII letters, digits, `_`, `-` and `.`, none empty or
 * starting with `.`, none over 255 characters (ASCII: bytes). Nearly every
 * name a sweep sees is one, and this test costs a sixth of `checkName`'s
 * (which normalises and splits every name); anything else goes to `checkName`.
 */
const PLAIN_NAME = /^[\w-][\w.-]{0,254}(?:\/[\w-][\w.-]{0,254})*$/;

/** Whether the Storage API can address a listed name (a foreign object may not be). */
export function isAddressable(name: string): boolean {
  if (PLAIN_NAME.test(name)) return true;
  try {
    checkName(name);
    return true;
  } catch {
    return false;
  }
}

/** `checkName(value)`, with the plain names' fast path. */
export function storedName(value: string): string {
  return PLAIN_NAME.test(value) ? value : checkName(value);
}
