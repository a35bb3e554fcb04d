import { checkName } from "../storage/names.js";

/** Whether the Storage API can address a listed name (a foreign object may not be). */
export function isAddressable(name: string): boolean {
  try {
    checkName(name);
    return true;
  } catch {
    return false;
  }
}
