import { crc32, createDeflate, deflateSync } from "node:zlib";
import sharp from "sharp";

/** Generated inputs: nothing binary is committed, every case is built here. */

/** A noisy RGB photo-like JPEG. */
export function photoJpeg(width: number, height: number, quality = 90): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality })
    .toBuffer();
}

/** Left half red, right half blue: easy to tell which way up it is. */
export function halvesRaw(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      if (x < width / 2) pixels[at] = 255;
      else pixels[at + 2] = 255;
    }
  }
  return pixels;
}

/**
 * A JPEG stored `width` x `height` with an EXIF orientation: 6 ("rotate 90
 * clockwise to view", how phones store portrait photos) and 8 show it
 * `height` x `width`.
 */
export function rotatedJpeg(width: number, height: number, orientation = 6): Promise<Buffer> {
  return sharp(halvesRaw(width, height), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation })
    .toBuffer();
}

/** A CMYK JPEG of solid cyan. */
export function cmykJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#00aeef" } })
    .toColourspace("cmyk")
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** A 16-bit RGBA PNG: opaque red left half, fully transparent right half. */
export function png16WithAlpha(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width / 2; x++) {
      const at = (y * width + x) * 4;
      pixels[at] = 255;
      pixels[at + 3] = 255;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .toColourspace("rgb16")
    .png()
    .toBuffer();
}

/** An animated GIF of `frames` solid frames (red, green, blue, ...). */
export function animatedGif(width: number, height: number, frames: number): Promise<Buffer> {
  const colours = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
  ];
  const pixels = Buffer.alloc(width * height * frames * 4);
  for (let frame = 0; frame < frames; frame++) {
    const [r, g, b] = colours[frame % colours.length];
    for (let i = 0; i < width * height; i++) {
      const at = (frame * width * height + i) * 4;
      pixels.set([r, g, b, 255], at);
    }
  }
  return sharp(pixels, {
    raw: { width, height: height * frames, channels: 4, pageHeight: height },
  })
    .gif({ loop: 0, delay: new Array(frames).fill(100) })
    .toBuffer();
}

export const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#0f0"/></svg>',
);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a header claiming `side` x `side` 8-bit RGB (7.5 GB
 * decoded at 50,000 px) followed by the compressed first rows only, so the
 * file is a few KB. Anything that decodes before checking the header eats
 * the machine.
 */
export function pngBomb(side = 50_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter method, no interlace
  const rows = deflateSync(Buffer.alloc((side * 3 + 1) * 16), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", rows),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** One GIF frame: where it sits on the logical screen and its size. */
export interface GifFrameBox {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Give the frame its own 4-colour table. */
  localColours?: boolean;
}

/**
 * A hand-built GIF: a `screenWidth` x `screenHeight` logical screen and the
 * given frames, each with minimal image data, a graphic control extension
 * and, optionally, a comment of `commentBytes` (to push frames past a reader's
 * buffer). Frames may be larger than the screen: that is the attack.
 */
export function craftedGif(
  screenWidth: number,
  screenHeight: number,
  frames: readonly GifFrameBox[],
  commentBytes = 0,
): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(screenWidth, 0);
  screen.writeUInt16LE(screenHeight, 2);
  screen[4] = 0x80; // global colour table of 2 entries
  const parts = [Buffer.from("GIF89a", "latin1"), screen, Buffer.from([0, 0, 0, 255, 255, 255])];
  // NETSCAPE2.0 loop extension, as every animated GIF carries.
  parts.push(Buffer.from([0x21, 0xff, 11, ...Buffer.from("NETSCAPE2.0"), 3, 1, 0, 0, 0]));
  if (commentBytes > 0) {
    parts.push(Buffer.from([0x21, 0xfe]));
    for (let left = commentBytes; left > 0; left -= 255) {
      const size = Math.min(255, left);
      parts.push(Buffer.from([size]), Buffer.alloc(size, 0x61));
    }
    parts.push(Buffer.from([0]));
  }
  for (const frame of frames) {
    parts.push(Buffer.from([0x21, 0xf9, 4, 0, 10, 0, 0, 0])); // graphic control: 0.1 s
    const descriptor = Buffer.alloc(10);
    descriptor[0] = 0x2c;
    descriptor.writeUInt16LE(frame.left, 1);
    descriptor.writeUInt16LE(frame.top, 3);
    descriptor.writeUInt16LE(frame.width, 5);
    descriptor.writeUInt16LE(frame.height, 7);
    descriptor[9] = frame.localColours ? 0x81 : 0;
    parts.push(descriptor);
    if (frame.localColours) parts.push(Buffer.alloc(12, 0x80));
    // LZW minimum code size 2; one sub-block holding the clear and end codes.
    parts.push(Buffer.from([2, 1, 0x2c, 0]));
  }
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

/**
 * An 8-bit greyscale PNG of `width` x `height` black pixels. Deflate packs
 * zeros about 1000:1, so 89,000,000 x 1 is an 86 KB file: the long, thin
 * shape that is cheap to send and dear to decode.
 */
export async function blackPng(width: number, height: number): Promise<Buffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit, greyscale, deflate, no filter method, no interlace
  const deflate = createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on("data", (data: Buffer) => compressed.push(data));
  const ended = new Promise((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  const block = Buffer.alloc(1 << 20); // each row is a filter byte (0) and zeros
  for (let left = (width + 1) * height; left > 0; left -= block.length) {
    const chunkOf = block.subarray(0, Math.min(left, block.length));
    if (!deflate.write(chunkOf)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await ended;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", Buffer.concat(compressed)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Mean RGB of a region of a decoded image (alpha ignored). */
export async function meanColour(
  image: Buffer,
  region?: { left: number; top: number; width: number; height: number },
): Promise<[number, number, number]> {
  let pipeline = sharp(image).removeAlpha();
  if (region) pipeline = pipeline.extract(region);
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let at = 0; at < data.length; at += info.channels) {
    for (let c = 0; c < 3; c++) sums[c] += data[at + (info.channels >= 3 ? c : 0)];
  }
  const count = data.length / info.channels;
  return [sums[0] / count, sums[1] / count, sums[2] / count];
}
