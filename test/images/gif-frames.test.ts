import fc from "fast-check";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { gifFrames } from "../../src/images/gif-frames.js";
import { animatedGif, craftedGif, type GifFrameBox } from "./fixtures.js";

const reader = (bytes: Buffer) => async (offset: number, length: number) =>
  bytes.subarray(offset, offset + length);

const side = fc.integer({ min: 1, max: 3000 });
// libvips (libnsgif) distrusts a screen above 2048 px or of a few common
// monitor sizes (640 x 480, ...) and sizes the canvas by the first frame.
const screenSide = fc.integer({ min: 1, max: 600 });
const frame = fc.record({
  left: fc.integer({ min: 0, max: 3000 }),
  top: fc.integer({ min: 0, max: 3000 }),
  width: side,
  height: side,
  localColours: fc.boolean(),
});

describe("gifFrames", () => {
  it("agrees with libvips on frame count and size over generated GIFs", async () => {
    await fc.assert(
      fc.asyncProperty(
        screenSide,
        screenSide,
        fc.array(frame, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(0, 300, 70_000),
        async (screenWidth, screenHeight, frames: GifFrameBox[], comment) => {
          const gif = craftedGif(screenWidth, screenHeight, frames, comment);
          const walked = await gifFrames(reader(gif));
          const meta = await sharp(gif, { limitInputPixels: false }).metadata();
          expect(walked?.frames).toBe(meta.pages);
          expect(walked?.screen).toEqual({ width: screenWidth, height: screenHeight });
          // libvips grows its canvas for the first frame only; the walk sees them all.
          const [first] = frames;
          expect(meta.width).toBe(Math.max(screenWidth, first.left + first.width));
          expect(meta.height).toBe(Math.max(screenHeight, first.top + first.height));
          expect(walked?.extent).toEqual({
            width: Math.max(screenWidth, ...frames.map((f) => f.left + f.width)),
            height: Math.max(screenHeight, ...frames.map((f) => f.top + f.height)),
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("walks a GIF sharp wrote the same as libvips reads it", async () => {
    const gif = await animatedGif(30, 20, 3);
    expect(await gifFrames(reader(gif))).toEqual({
      screen: { width: 30, height: 20 },
      extent: { width: 30, height: 20 },
      frames: 3,
    });
  });

  it("stops at the end of truncated data with the frames seen so far", async () => {
    const frames = [
      { left: 0, top: 0, width: 4, height: 4 },
      { left: 0, top: 0, width: 500, height: 9 },
    ];
    const whole = craftedGif(4, 4, frames);
    const cut = whole.subarray(0, whole.length - 6);
    expect(await gifFrames(reader(cut))).toMatchObject({ frames: 1, extent: { width: 4 } });
  });

  it("is undefined for data that is not a GIF", async () => {
    expect(await gifFrames(reader(Buffer.from("GIF8 but not really")))).toBeUndefined();
    expect(await gifFrames(reader(Buffer.from("GIF89a")))).toBeUndefined();
  });
});
