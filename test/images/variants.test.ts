import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  defineVariants,
  deleteWithVariants,
  makeVariants,
  placeholderDataUrl,
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

describe("deleteWithVariants", () => {
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
