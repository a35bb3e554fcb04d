import { parseVariantName } from "../images/naming.js";

/**
 * The file a stored name belongs to: an image variant
 * (`photos/cat.jpg.thumb-1a2b3c4d.webp`) belongs to its original
 * (`photos/cat.jpg`); any other file to itself. A variant lives while its
 * original is referenced and goes with it.
 */
export function ownerOf(name: string): string {
  return parseVariantName(name)?.original ?? name;
}
