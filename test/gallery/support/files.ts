// Files the gallery's tests upload, made on the fly.
import { crc32, deflateRawSync } from "node:zlib";
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

/** 2024-01-01 00:00 as a zip entry's MS-DOS date and time. */
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

/** A zip archive of text entries, each deflated, laid out as Office writes them. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text, "utf8");
    const packed = deflateRawSync(data);
    const fileName = Buffer.from(name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(8, 8); // method: deflate
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // made by
    local.copy(entry, 6, 4, 30); // version needed through name length, as in the local header
    entry.writeUInt32LE(offset, 42);
    locals.push(local, fileName, packed);
    central.push(entry, fileName);
    offset += local.length + fileName.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(locals.length / 3, 8);
  end.writeUInt16LE(locals.length / 3, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/**
 * A minimal Word .docx: the package's content types, its relationships and
 * one paragraph of `text`, the three parts Word needs to open it.
 */
export function docx(text = "Minutes of the meeting"): Buffer {
  return zip({
    "[Content_Types].xml": `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    "_rels/.rels": `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    "word/document.xml": `${XML}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`,
  });
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
