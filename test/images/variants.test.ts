import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  defineVariants,
  deleteWithVariants,
  isVariantOf,
  makeVariants,
  originalOf,
  placeholderDataUrl,
  renderVariant,
  variantName,
} from "../../src/images/index.js";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import { photoJpeg, pngBomb } from "./fixtures.js";

const variants = defineVariants({
  thumb: { cover: [300, 300], format: "webp" },
  large: { fit: [1920, 1080], quality: 85 },
});

async function names(storage: Storage): Promise<string[]> {
  const all: string[] = [];
  for await (const entry of storage.list("")) all.push(entry.name);
  return all.sort();
}

describe("makeVariants", () => {
  it("stores each variant beside the original and returns sizes and a placeholder", async () => {
    const storage = createStorage("memory://");
    await storage.save("photos/cat.jpg", await photoJpeg(2400, 1600));
    const made = await makeVariants(storage, "photos/cat.jpg", variants, { placeholder: true });
    expect(made.original).toEqual({
      name: "photos/cat.jpg",
      format: "jpeg",
      width: 2400,
      height: 1600,
    });
    expect(made.variants.thumb).toMatchObject({
      name: variantName("photos/cat.jpg", "thumb", variants.thumb),
      format: "webp",
      width: 300,
      height: 300,
    });
    expect(made.variants.large).toMatchObject({ format: "jpeg", width: 1620, height: 1080 });
    const stored = await storage.read(made.variants.large.name);
    expect(stored.byteLength).toBe(made.variants.large.size);
    expect((await sharp(stored).metadata()).width).toBe(1620);
    expect(placeholderDataUrl(made.placeholder!)).toMatch(/^data:image\/png;base64,/);
    expect(await names(storage)).toEqual(
      ["photos/cat.jpg", made.variants.large.name, made.variants.thumb.name].sort(),
    );
  });

  it("replaces an earlier rendering instead of piling up copies", async () => {
    const storage = createStorage("memory://");
    await storage.save("a.jpg", await photoJpeg(400, 400));
    await makeVariants(storage, "a.jpg", variants);
    await makeVariants(storage, "a.jpg", variants, { only: ["thumb"] });
    expect(await names(storage)).toHaveLength(3);
  });

  it("refuses a variant that is not declared", async () => {
    const storage = createStorage("memory://");
    await storage.save("a.jpg", await photoJpeg(40, 40));
    await expect(
      makeVariants(storage, "a.jpg", variants, { only: ["huge"] }),
    ).rejects.toMatchObject({
      code: "E_UNKNOWN_VARIANT",
      message: expect.stringContaining('Declared variants: "thumb", "large"'),
    });
  });

  it("leaves nothing behind when the original is refused", async () => {
    const storage = createStorage("memory://");
    await storage.save("bomb.png", pngBomb());
    await expect(makeVariants(storage, "bomb.png", variants)).rejects.toMatchObject({
      code: "E_IMAGE_TOO_LARGE",
    });
    expect(await names(storage)).toEqual(["bomb.png"]);
  });
});

describe("variants of variants", () => {
  it("makeVariants refuses a variant's name and writes nothing", async () => {
    const storage = createStorage("memory://");
    await storage.save("a.jpg", await photoJpeg(400, 400));
    const made = await makeVariants(storage, "a.jpg", variants, { only: ["thumb"] });
    const before = await names(storage);
    await expect(makeVariants(storage, made.variants.thumb.name, variants)).rejects.toMatchObject({
      code: "E_VARIANT_OF_VARIANT",
      status: 400,
      original: "a.jpg",
      message: `"${made.variants.thumb.name}" is a variant of "a.jpg", not an original: variants are only made of originals.`,
    });
    expect(await names(storage)).toEqual(before);
  });

  it("renderVariant (the lazy path) refuses a variant's name and writes nothing", async () => {
    const storage = createStorage("memory://");
    await storage.save("a.jpg", await photoJpeg(400, 400));
    const first = await renderVariant(storage, "a.jpg", "thumb", variants);
    const before = await names(storage);
    await expect(renderVariant(storage, first.name, "thumb", variants)).rejects.toMatchObject({
      code: "E_VARIANT_OF_VARIANT",
    });
    expect(await names(storage)).toEqual(before);
  });

  it("traces a chain left by older versions back to its original", () => {
    const chain = "p/a.jpg.thumb-0badc0de.webp.thumb-1badc0de.webp.large-2badc0de.jpg";
    expect(originalOf(chain)).toBe("p/a.jpg");
    expect(originalOf("p/a.jpg")).toBe("p/a.jpg");
    expect(isVariantOf("p/a.jpg", chain)).toBe(true);
    expect(isVariantOf("p/a.jpg.thumb-0badc0de.webp", chain)).toBe(true);
    expect(isVariantOf("p/a.jp", chain)).toBe(false);
    expect(isVariantOf("p/a.jpg", "p/a.jpg")).toBe(false);
  });
});

describe("deleteWithVariants", () => {
  it("deletes every chain of variants of variants an older version let requests make", async () => {
    const storage = createStorage("memory://");
    await storage.save("a.jpg", await photoJpeg(40, 40));
    await storage.save("a.jpg.keep", "not a variant");
    let link = "a.jpg";
    const chain: string[] = [];
    for (let depth = 0; depth < 12; depth += 1) {
      link = `${link}.thumb-${depth.toString(16).padStart(8, "0")}.webp`;
      chain.push(link);
      await storage.save(link, "a rendering of a rendering");
    }
    await storage.save("a.jpg.large-0badc0de.jpg.thumb-1badc0de.webp", "another branch");
    const deleted = await deleteWithVariants(storage, "a.jpg");
    expect(deleted).toHaveLength(14);
    expect(deleted.at(-1)).toBe("a.jpg");
    expect(await names(storage)).toEqual(["a.jpg.keep"]);
  });

  it("deletes the original and its variants, stale specs included, and nothing else", async () => {
    const storage = createStorage("memory://");
    await storage.save("p/cat.jpg", await photoJpeg(400, 300));
    await storage.save("p/cat.jpg.backup", "keep me");
    await storage.save(
      "p/cat.png",
      await sharp(await photoJpeg(40, 30))
        .png()
        .toBuffer(),
    );
    await storage.save("p/cat.jpg.thumb-0badc0de.webp", "stale rendering of an older spec");
    await makeVariants(storage, "p/cat.jpg", variants);
    await makeVariants(storage, "p/cat.png", variants, { only: ["thumb"] });
    const deleted = await deleteWithVariants(storage, "p/cat.jpg");
    expect(deleted).toHaveLength(4);
    expect(deleted.at(-1)).toBe("p/cat.jpg");
    expect(await names(storage)).toEqual([
      "p/cat.jpg.backup",
      "p/cat.png",
      variantName("p/cat.png", "thumb", variants.thumb),
    ]);
  });
});
