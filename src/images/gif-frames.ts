/**
 * The extent of every frame of a GIF, found by walking its blocks (no LZW
 * data is decoded). libvips reports the logical screen, which a crafted file
 * sets to 10 x 10 while one of its frames declares 60,000 x 60,000; limits
 * must see the frames.
 */

/** Reads up to `length` bytes at `offset`; fewer (or none) past the end. */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

export interface GifFrames {
  /** Logical screen size from the header. */
  screen: { width: number; height: number };
  /** The smallest box holding the screen and every frame (`left + width`, `top + height`). */
  extent: { width: number; height: number };
  /** Image descriptors seen (frames), up to the trailer or the end of the data. */
  frames: number;
}

const HEADER = 13;
const IMAGE = 0x2c;
const EXTENSION = 0x21;
const TRAILER = 0x3b;
const WINDOW = 64 * 1024;

/** Byte access through a sliding window, so walking sub-blocks costs one read per 64 KB. */
class Cursor {
  offset: number;
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    private readonly read: ReadAt,
    offset: number,
  ) {
    this.offset = offset;
  }

  /** `length` bytes at the cursor (advancing past them), or `undefined` at the end of the data. */
  async take(length: number): Promise<Uint8Array | undefined> {
    const start = this.offset - this.windowStart;
    if (start < 0 || start + length > this.window.length) {
      this.window = await this.read(this.offset, Math.max(WINDOW, length));
      this.windowStart = this.offset;
    }
    const at = this.offset - this.windowStart;
    if (at + length > this.window.length) return undefined;
    this.offset += length;
    return this.window.subarray(at, at + length);
  }

  /** Skips a chain of data sub-blocks (length byte + data) up to its terminator. */
  async skipSubBlocks(): Promise<boolean> {
    for (;;) {
      const size = await this.take(1);
      if (size === undefined) return false;
      if (size[0] === 0) return true;
      this.offset += size[0];
    }
  }
}

function colourTableBytes(flags: number): number {
  return flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0;
}

const u16 = (bytes: Uint8Array, at: number) => bytes[at] | (bytes[at + 1] << 8);

/**
 * Walks a GIF's blocks; `undefined` when the data does not start with a GIF
 * header. A truncated or malformed tail ends the walk with what was seen.
 */
export async function gifFrames(read: ReadAt): Promise<GifFrames | undefined> {
  const header = await read(0, HEADER);
  if (header.length < HEADER) return undefined;
  const signature = String.fromCharCode(...header.subarray(0, 6));
  if (signature !== "GIF87a" && signature !== "GIF89a") return undefined;
  const screen = { width: u16(header, 6), height: u16(header, 8) };
  const extent = { ...screen };
  let frames = 0;
  const cursor = new Cursor(read, HEADER + colourTableBytes(header[10]));
  for (;;) {
    const introducer = await cursor.take(1);
    if (introducer === undefined || introducer[0] === TRAILER) break;
    if (introducer[0] === EXTENSION) {
      if ((await cursor.take(1)) === undefined || !(await cursor.skipSubBlocks())) break;
    } else if (introducer[0] === IMAGE) {
      const descriptor = await cursor.take(9);
      if (descriptor === undefined) break;
      frames += 1;
      extent.width = Math.max(extent.width, u16(descriptor, 0) + u16(descriptor, 4));
      extent.height = Math.max(extent.height, u16(descriptor, 2) + u16(descriptor, 6));
      cursor.offset += colourTableBytes(descriptor[8]) + 1; // + LZW minimum code size
      if (!(await cursor.skipSubBlocks())) break;
    } else {
      break;
    }
  }
  return { screen, extent, frames };
}
