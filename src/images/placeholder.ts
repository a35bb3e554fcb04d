import { rgbaToThumbHash, thumbHashToDataURL } from "thumbhash";
import { loadSharp } from "./sharp.js";

/** Thumbhash works on at most 100 x 100 pixels. */
const THUMBHASH_SIDE = 100;

/** Base64 thumbhash of already-decoded pixels (any channel count). */
export async function placeholderFromRaw(
  pixels: Buffer,
  info: { width: number; height: number; channels: number },
): Promise<string> {
  const sharp = await loadSharp();
  const { data, info: small } = await sharp(pixels, {
    raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 },
  })
    .resize(THUMBHASH_SIDE, THUMBHASH_SIDE, { fit: "inside" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const hash = rgbaToThumbHash(small.width, small.height, data);
  return Buffer.from(hash).toString("base64");
}

/**
 * A `data:` URL (a tiny PNG) that renders a stored thumbhash, for a
 * placeholder `src` or CSS background while the real image loads.
 */
export function placeholderDataUrl(thumbhash: string): string {
  return thumbHashToDataURL(Buffer.from(thumbhash, "base64"));
}
