import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  renderImages,
  transformImage,
  validateVariantSpec,
  variantSize,
} from "../../src/images/index.js";
import { halvesRaw, meanColour, photoJpeg } from "./fixtures.js";

describe("transformImage", () => {
  it("fits inside a box and never enlarges unless asked", async () => {
    const input = await photoJpeg(400, 300);
    const shrunk = await transformImage(input, { fit: [200, 200] });
    expect([shrunk.width, shrunk.height, shrunk.format]).toEqual([200, 150, "jpeg"]);
    const kept = await transformImage(input, { fit: [800, 800] });
    expect([kept.width, kept.height]).toEqual([400, 300]);
    const grown = await transformImage(input, { fit: [800, 800], enlarge: true });
    expect([grown.width, grown.height]).toEqual([800, 600]);
  });

  it("cover-crops to the box, keeping the centre", async () => {
    // 300 x 100: red left third, green middle, blue right third.
    const pixels = Buffer.alloc(300 * 100 * 3);
    for (let i = 0; i < 300 * 100; i++) pixels[i * 3 + Math.floor((i % 300) / 100)] = 255;
    const input = await sharp(pixels, { raw: { width: 300, height: 100, channels: 3 } })
      .png()
      .toBuffer();
    const out = await transformImage(input, { cover: [50, 50], format: "png" });
    expect([out.width, out.height]).toEqual([50, 50]);
    const [r, g, b] = await meanColour(out.data);
    expect(g).toBeGreaterThan(240);
    expect(r + b).toBeLessThan(20);
  });

  it.each([
    ["jpeg", "jpeg"],
    ["webp", "webp"],
    ["avif", "heif"],
    ["png", "png"],
    ["gif", "gif"],
  ] as const)("writes %s", async (format, decoder) => {
    const out = await transformImage(await photoJpeg(64, 48), { fit: [32, 32], format });
    expect(out.format).toBe(format);
    expect((await sharp(out.data).metadata()).format).toBe(decoder);
  });

  it("uses the quality asked for", async () => {
    const input = await photoJpeg(256, 256);
    const low = await transformImage(input, { format: "webp", quality: 20 });
    const high = await transformImage(input, { format: "webp", quality: 95 });
    expect(low.data.byteLength).toBeLessThan(high.data.byteLength);
  });

  it("strips EXIF by default and keeps it when asked", async () => {
    const input = await sharp(halvesRaw(64, 32), { raw: { width: 64, height: 32, channels: 3 } })
      .jpeg()
      .withExif({ IFD0: { Copyright: "Jane Doe", Software: "camera" } })
      .toBuffer();
    const stripped = await transformImage(input, { fit: [32, 32] });
    expect((await sharp(stripped.data).metadata()).exif).toBeUndefined();
    const kept = await transformImage(input, { fit: [32, 32], keepMetadata: true });
    expect((await sharp(kept.data).metadata()).exif?.toString("latin1")).toContain("Jane Doe");
  });

  it("converts a wide-gamut (Display P3) photo to sRGB and tags it, so colours stay right", async () => {
    // sharp converts the sRGB colour (200, 100, 50) into P3 numbers when it embeds P3.
    const input = await sharp({
      create: { width: 32, height: 32, channels: 3, background: { r: 200, g: 100, b: 50 } },
    })
      .withIccProfile("p3")
      .png()
      .toBuffer();
    const inputIcc = (await sharp(input).metadata()).icc;
    const stored = await sharp(input).keepIccProfile().raw().toBuffer();
    expect(Math.abs(stored[0] - 200)).toBeGreaterThan(5);
    const out = await transformImage(input, { fit: [16, 16], format: "png" });
    const meta = await sharp(out.data).metadata();
    expect(meta.hasProfile).toBe(true);
    expect(meta.icc?.equals(inputIcc!)).toBe(false);
    const [r, g, b] = await meanColour(out.data);
    expect(Math.abs(r - 200)).toBeLessThan(5);
    expect(Math.abs(g - 100)).toBeLessThan(5);
    expect(Math.abs(b - 50)).toBeLessThan(6);
  });

  it("crops on the interesting part with position attention", async () => {
    // A flat grey field with one busy noisy square on the right.
    const noise = await sharp({
      create: {
        width: 60,
        height: 60,
        channels: 3,
        background: "#000",
        noise: { type: "gaussian", mean: 128, sigma: 90 },
      },
    })
      .png()
      .toBuffer();
    const input = await sharp({
      create: { width: 300, height: 100, channels: 3, background: "#808080" },
    })
      .composite([{ input: noise, left: 230, top: 20 }])
      .png()
      .toBuffer();
    const centre = await transformImage(input, { cover: [100, 100], format: "png" });
    const attention = await transformImage(input, {
      cover: [100, 100],
      position: "attention",
      format: "png",
    });
    const spread = async (image: Buffer) => (await sharp(image).stats()).channels[0].stdev;
    expect(await spread(centre.data)).toBeLessThan(5);
    expect(await spread(attention.data)).toBeGreaterThan(30);
  });
});

describe("renderImages", () => {
  it("makes every output from one decode, each the size variantSize promises", async () => {
    const input = await photoJpeg(1200, 700);
    const specs = {
      large: validateVariantSpec("large", { fit: [800, 600], quality: 85 }),
      thumb: validateVariantSpec("thumb", { cover: [100, 100] }),
      wide: validateVariantSpec("wide", { cover: [300, 100], format: "webp" }),
    };
    const result = await renderImages(
      input,
      {
        large: { spec: specs.large, format: "jpeg" },
        thumb: { spec: specs.thumb, format: "jpeg" },
        wide: { spec: specs.wide, format: "webp" },
      },
      { placeholder: true },
    );
    for (const [key, spec] of Object.entries(specs)) {
      const image = result.outputs[key];
      const expected = variantSize(result.source, spec);
      expect([image.width, image.height]).toEqual([expected.width, expected.height]);
      const meta = await sharp(image.data).metadata();
      expect([meta.width, meta.height]).toEqual([expected.width, expected.height]);
    }
    expect(result.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(result.placeholder!, "base64").byteLength).toBeLessThan(40);
  });

  it("cuts enlarged outputs from the source pixels, not from an enlarged decode", async () => {
    const input = await photoJpeg(300, 30);
    const specs = {
      big: validateVariantSpec("big", { cover: [600, 600], enlarge: true }),
      small: validateVariantSpec("small", { cover: [20, 20] }),
    };
    const result = await renderImages(
      input,
      {
        big: { spec: specs.big, format: "png" },
        small: { spec: specs.small, format: "png" },
      },
      { placeholder: true },
    );
    expect([result.outputs.big.width, result.outputs.big.height]).toEqual([600, 600]);
    expect([result.outputs.small.width, result.outputs.small.height]).toEqual([20, 20]);
  });
});
