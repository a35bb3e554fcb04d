// Files the gallery's tests upload, made on the fly.
import sharp from "sharp";

/** A small but well-formed PDF, padded with a comment to `size` bytes when asked. */
export function pdf(size = 0): Buffer {
  const body = Buffer.from(
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
  );
  if (size <= body.length) return body;
  return Buffer.concat([body, Buffer.from("%"), Buffer.alloc(size - body.length - 1, 0x20)]);
}

/** The start of a Windows executable: an MZ header pointing at a PE signature. */
export function exe(): Buffer {
  const bytes = Buffer.alloc(1024);
  bytes.write("MZ", 0, "latin1");
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write("PE\0\0", 0x80, "latin1");
  bytes.writeUInt16LE(0x14c, 0x84);
  return bytes;
}

/**
 * A picture (a sky, a sun and a hill) of the given size, so thumbnails and
 * screenshots show something. `orientation` stores EXIF rotation: 6 means the
 * pixels are stored on their side and shown rotated 90° clockwise.
 */
export async function picture(
  width: number,
  height: number,
  options: { format?: "jpeg" | "png" | "webp"; orientation?: number; hue?: number } = {},
): Promise<Buffer> {
  const hue = options.hue ?? 215;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},80%,80%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${width * 0.7}" cy="${height * 0.35}" r="${Math.min(width, height) * 0.14}" fill="hsl(${(hue + 180) % 360},90%,65%)"/>
    <ellipse cx="${width * 0.3}" cy="${height * 1.05}" rx="${width * 0.75}" ry="${height * 0.42}" fill="hsl(${(hue + 250) % 360},45%,35%)"/>
  </svg>`;
  let image = sharp(Buffer.from(svg));
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  return image.toFormat(options.format ?? "jpeg").toBuffer();
}
