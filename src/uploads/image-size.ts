/** Width and height as the file's header declares them; nothing is decoded. */
export interface ImageSize {
  width: number;
  height: number;
  format: "png" | "jpeg" | "gif" | "webp" | "avif" | "heic";
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ByteReader = (offset: number, length: number) => Promise<Uint8Array>;

/** JPEG files put EXIF and ICC data before the frame header; stop walking after this many segments. */
const MAX_JPEG_SEGMENTS = 256;
/** A `meta` box larger than this is not a real image header. */
const MAX_META_BOX = 1024 * 1024;

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  Buffer.from(bytes.subarray(start, end)).toString("latin1");

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function pngSize(head: Uint8Array): ImageSize | undefined {
  if (head.length < 24 || ascii(head, 12, 16) !== "IHDR") return undefined;
  const data = view(head);
  return { format: "png", width: data.getUint32(16), height: data.getUint32(20) };
}

function gifSize(head: Uint8Array): ImageSize | undefined {
  if (head.length < 10) return undefined;
  const data = view(head);
  return { format: "gif", width: data.getUint16(6, true), height: data.getUint16(8, true) };
}

function webpSize(head: Uint8Array): ImageSize | undefined {
  if (head.length < 30) return undefined;
  const data = view(head);
  const chunk = ascii(head, 12, 16);
  if (chunk === "VP8 ") {
    return {
      format: "webp",
      width: data.getUint16(26, true) & 0x3fff,
      height: data.getUint16(28, true) & 0x3fff,
    };
  }
  if (chunk === "VP8L") {
    const [b0, b1, b2, b3] = head.subarray(21, 25);
    return {
      format: "webp",
      width: 1 + (((b1 & 0x3f) << 8) | b0),
      height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)),
    };
  }
  if (chunk === "VP8X") {
    const u24 = (at: number) => head[at] | (head[at + 1] << 8) | (head[at + 2] << 16);
    return { format: "webp", width: 1 + u24(24), height: 1 + u24(27) };
  }
  return undefined;
}

async function jpegSize(read: ByteReader): Promise<ImageSize | undefined> {
  let offset = 2;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS; segment += 1) {
    const header = await read(offset, 9);
    if (header.length < 4 || header[0] !== 0xff) return undefined;
    const marker = header[1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      if (header.length < 9) return undefined;
      const data = view(header);
      return { format: "jpeg", height: data.getUint16(5), width: data.getUint16(7) };
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / scan before a frame
    const standalone = (marker >= 0xd0 && marker <= 0xd8) || marker === 0x01;
    offset += standalone ? 2 : 2 + view(header).getUint16(2);
  }
  return undefined;
}

/** Walk ISO-BMFF boxes in `bytes`, calling `visit(type, start, end)` for each. */
function eachBox(
  bytes: Uint8Array,
  visit: (type: string, start: number, end: number) => void,
): void {
  const data = view(bytes);
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    const size = data.getUint32(offset);
    const type = ascii(bytes, offset + 4, offset + 8);
    const end = size === 0 ? bytes.length : offset + size;
    if (size < 8 || end > bytes.length) return;
    visit(type, offset + 8, end);
    offset = end;
  }
}

/** AVIF/HEIC: the largest `ispe` (image spatial extent) in `meta/iprp/ipco`. */
async function isoBmffSize(
  read: ByteReader,
  format: "avif" | "heic",
): Promise<ImageSize | undefined> {
  let offset = 0;
  for (let box = 0; box < 16; box += 1) {
    const header = await read(offset, 8);
    if (header.length < 8) return undefined;
    const size = view(header).getUint32(0);
    if (size < 8) return undefined;
    if (ascii(header, 4, 8) === "meta") {
      if (size > MAX_META_BOX) return undefined;
      const meta = await read(offset + 12, size - 12); // after version + flags
      let best: ImageSize | undefined;
      eachBox(meta, (type, start, end) => {
        if (type !== "iprp") return;
        eachBox(meta.subarray(start, end), (inner, innerStart, innerEnd) => {
          if (inner !== "ipco") return;
          const ipco = meta.subarray(start + innerStart, start + innerEnd);
          eachBox(ipco, (property, propStart, propEnd) => {
            if (property !== "ispe" || propEnd - propStart < 12) return;
            const data = view(ipco.subarray(propStart, propEnd));
            const width = data.getUint32(4);
            const height = data.getUint32(8);
            if (!best || width * height > best.width * best.height)
              best = { format, width, height };
          });
        });
      });
      return best;
    }
    offset += size;
  }
  return undefined;
}

/**
 * Dimensions from the header of a PNG, JPEG, GIF, WebP, AVIF or HEIC file;
 * `undefined` for other formats or a header too damaged to read.
 */
export async function readImageSize(read: ByteReader): Promise<ImageSize | undefined> {
  const head = await read(0, 32);
  if (head.length < 12) return undefined;
  if (head[0] === 0x89 && ascii(head, 1, 4) === "PNG") return pngSize(head);
  if (head[0] === 0xff && head[1] === 0xd8) return jpegSize(read);
  if (ascii(head, 0, 4) === "GIF8") return gifSize(head);
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return webpSize(head);
  if (ascii(head, 4, 8) === "ftyp") {
    const brand = ascii(head, 8, 12);
    if (brand === "avif" || brand === "avis") return isoBmffSize(read, "avif");
    if (/^(?:heic|heix|mif1|msf1)$/.test(brand)) return isoBmffSize(read, "heic");
  }
  return undefined;
}

/** A reader over bytes already in memory. */
export function bufferReader(bytes: Uint8Array): ByteReader {
  return async (offset, length) => bytes.subarray(offset, offset + length);
}
