import { crc32, deflateSync } from "node:zlib";
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

/** A JPEG stored sideways with EXIF orientation 6 ("rotate 90 clockwise to view"). */
export function rotatedJpeg(width: number, height: number): Promise<Buffer> {
  return sharp(halvesRaw(width, height), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
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
