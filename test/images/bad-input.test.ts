import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeImage, transformImage } from "../../src/images/index.js";
import {
  animatedGif,
  cmykJpeg,
  meanColour,
  photoJpeg,
  png16WithAlpha,
  pngBomb,
  rotatedJpeg,
  SVG,
} from "./fixtures.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "stowage-images-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; status: number; message: string };
  }
  throw new Error("expected the promise to reject");
}

describe("a 50,000 x 50,000 PNG of a few KB (decompression bomb)", () => {
  it("is a few KB and its header is read without decoding", async () => {
    const bomb = pngBomb();
    expect(bomb.byteLength).toBeLessThan(16_000);
    const probe = await probeImage(bomb);
    expect(probe).toMatchObject({ format: "png", width: 50_000, height: 50_000 });
  });

  it("is refused with E_IMAGE_TOO_LARGE before any decode, with memory bounded", async () => {
    const before = process.memoryUsage().rss;
    const error = await failure(transformImage(pngBomb(), { fit: [300, 300] }));
    expect(error.code).toBe("E_IMAGE_TOO_LARGE");
    expect(error.status).toBe(413);
    expect(error.message).toContain("50000 x 50000 pixels");
    expect(error.message).toContain("longer than 32,768 pixels");
    const square = await failure(transformImage(pngBomb(30_000), { fit: [300, 300] }));
    expect(square.message).toContain("30000 x 30000 pixels (900 megapixels)");
    expect(square.message).toContain("limit is 89.5 megapixels");
    // 7.5 GB if it were decoded; nothing close to that may be touched.
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it("is refused from its header whenever it claims more than a raised limit", async () => {
    const error = await failure(
      transformImage(pngBomb(20_000), { fit: [300, 300] }, { maxInputPixels: 100_000_000 }),
    );
    // 400 MP claimed, 100 MP allowed.
    expect(error.code).toBe("E_IMAGE_TOO_LARGE");
  });
});

describe("a JPEG truncated half way", () => {
  it("is refused with E_IMAGE_CORRUPT and says the file is damaged", async () => {
    const whole = await photoJpeg(400, 300);
    const half = whole.subarray(0, whole.length >> 1);
    const error = await failure(transformImage(half, { fit: [100, 100] }));
    expect(error.code).toBe("E_IMAGE_CORRUPT");
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/damaged and cannot be read \(.*premature end/i);
  });
});

describe("a file that claims to be PNG and is not", () => {
  it("refuses text named .png as not an image (E_IMAGE_UNSUPPORTED)", async () => {
    const file = path.join(dir, "fake.png");
    await writeFile(file, "this is plain text, not a picture\n");
    const error = await failure(transformImage(file, { fit: [100, 100] }));
    expect(error.code).toBe("E_IMAGE_UNSUPPORTED");
    expect(error.status).toBe(415);
    expect(error.message).toContain("not an image Stowage can read");
  });

  it("refuses a PNG signature followed by garbage as corrupt", async () => {
    const fake = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from("garbage where the IHDR chunk should be"),
    ]);
    const error = await failure(probeImage(fake));
    expect(error.code).toBe("E_IMAGE_CORRUPT");
  });
});

describe("a zero-byte file", () => {
  it("is refused with E_IMAGE_EMPTY from bytes and from a path", async () => {
    const file = path.join(dir, "empty.jpg");
    await writeFile(file, "");
    for (const input of [Buffer.alloc(0), file]) {
      const error = await failure(transformImage(input, { fit: [100, 100] }));
      expect(error.code).toBe("E_IMAGE_EMPTY");
      expect(error.status).toBe(400);
      expect(error.message).toContain("empty (0 bytes)");
    }
  });
});

describe("a CMYK JPEG", () => {
  it("comes out as sRGB with the colour kept", async () => {
    const input = await cmykJpeg(64, 48);
    expect((await probeImage(input)).space).toBe("cmyk");
    const out = await transformImage(input, { fit: [32, 32], format: "jpeg" });
    const meta = await sharp(out.data).metadata();
    expect(meta.space).toBe("srgb");
    expect(meta.channels).toBe(3);
    const [r, g, b] = await meanColour(out.data);
    // Cyan stays cyan: little red, more blue than green.
    expect(r).toBeLessThan(80);
    expect(b).toBeGreaterThan(180);
    expect(b).toBeGreaterThan(g);
  });
});

describe("a 16-bit PNG with alpha", () => {
  it("keeps transparency in PNG output, at 8 bits", async () => {
    const input = await png16WithAlpha(40, 20);
    expect((await probeImage(input)).bitsPerSample).toBe(16);
    const out = await transformImage(input, { fit: [20, 20], format: "png" });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ hasAlpha: true, depth: "uchar", width: 20, height: 10 });
    const { data } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(255); // top-left: opaque red
    expect(data[(20 - 1) * 4 + 3]).toBe(0); // top-right: transparent
  });

  it("flattens transparency onto the chosen background for JPEG", async () => {
    const input = await png16WithAlpha(40, 20);
    const out = await transformImage(input, {
      fit: [40, 20],
      format: "jpeg",
      background: "#0000ff",
    });
    expect((await sharp(out.data).metadata()).hasAlpha).toBe(false);
    const right = await meanColour(out.data, { left: 25, top: 0, width: 15, height: 20 });
    expect(right[2]).toBeGreaterThan(200);
    expect(right[0]).toBeLessThan(40);
  });
});

describe("an EXIF-rotated photo", () => {
  it("comes out upright with no orientation tag left", async () => {
    // Stored 80 x 40, left red / right blue; orientation 6 shows it 40 x 80, red on top.
    const input = await rotatedJpeg(80, 40);
    const probe = await probeImage(input);
    expect(probe).toMatchObject({ width: 40, height: 80, orientation: 6 });
    const out = await transformImage(input, { fit: [20, 40], format: "png" });
    expect([out.width, out.height]).toEqual([20, 40]);
    expect((await sharp(out.data).metadata()).orientation).toBeUndefined();
    const top = await meanColour(out.data, { left: 0, top: 0, width: 20, height: 16 });
    const bottom = await meanColour(out.data, { left: 0, top: 24, width: 20, height: 16 });
    expect(top[0]).toBeGreaterThan(200);
    expect(bottom[2]).toBeGreaterThan(200);
  });
});

describe("an animated GIF", () => {
  it("becomes its first frame by default", async () => {
    const input = await animatedGif(30, 20, 3);
    expect((await probeImage(input)).frames).toBe(3);
    const out = await transformImage(input, { fit: [15, 15], format: "png" });
    const meta = await sharp(out.data).metadata();
    expect(meta.pages ?? 1).toBe(1);
    expect([out.width, out.height]).toEqual([15, 10]);
    const [r, g] = await meanColour(out.data);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(40);
  });

  it("stays animated, every frame resized, when asked for and the target animates", async () => {
    const input = await animatedGif(30, 20, 3);
    const out = await transformImage(input, { fit: [15, 15], format: "webp", animated: true });
    const meta = await sharp(out.data, { animated: true }).metadata();
    expect(meta.pages).toBe(3);
    expect([meta.width, meta.pageHeight]).toEqual([15, 10]);
    expect([out.width, out.height]).toEqual([15, 10]);
  });

  it("counts every kept frame against the pixel limit", async () => {
    const input = await animatedGif(30, 20, 3);
    const limits = { maxInputPixels: 1000 };
    const error = await failure(
      transformImage(input, { fit: [15, 15], format: "gif", animated: true }, limits),
    );
    expect(error.code).toBe("E_IMAGE_TOO_LARGE");
    expect(error.message).toContain("30 x 20 pixels x 3 frames");
    // The first frame alone (600 px) is within the limit.
    await expect(
      transformImage(input, { fit: [15, 15], format: "gif" }, limits),
    ).resolves.toBeTruthy();
  });
});

describe("an SVG", () => {
  it("is refused unless allowed", async () => {
    const error = await failure(transformImage(SVG, { fit: [100, 100], format: "png" }));
    expect(error.code).toBe("E_IMAGE_UNSUPPORTED");
    expect(error.message).toContain("SVG images are refused");
    expect(error.message).toContain("allowSvg");
  });

  it("is rasterised when allowSvg is set", async () => {
    const out = await transformImage(SVG, { format: "png" }, { allowSvg: true });
    expect([out.width, out.height]).toEqual([40, 20]);
    const [r, g] = await meanColour(out.data);
    expect(g).toBeGreaterThan(200);
    expect(r).toBeLessThan(40);
  });
});
