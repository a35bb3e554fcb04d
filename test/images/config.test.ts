import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import {
  imageOptionsFromConfig,
  makeVariants,
  renderVariant,
  variantName,
} from "../../src/images/index.js";
import { createVariantHandler } from "../../src/serve/index.js";
import { createStorage } from "../../src/storage/index.js";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import { parseUpload } from "../../src/uploads/parse.js";
import { imageDimensions } from "../../src/uploads/validators.js";
import { photoJpeg } from "./fixtures.js";

const config = resolveConfig(
  {
    images: {
      variants: { thumb: { cover: [50, 50], format: "webp" } },
      maxInputPixels: 500_000,
      maxInputSide: 1000,
      maxAspectRatio: 4,
    },
  },
  "/srv/app",
);

describe("imageOptionsFromConfig", () => {
  it("turns the images block into validated variants and resolved limits", () => {
    const images = imageOptionsFromConfig(config);
    expect(images.limits).toEqual({
      maxInputPixels: 500_000,
      maxInputSide: 1000,
      maxAspectRatio: 4,
      maxOutputDimension: 8192,
      allowSvg: false,
    });
    expect(images.variants.thumb).toMatchObject({ cover: [50, 50], format: "webp" });
  });

  it("fills the defaults when the config sets no limits", () => {
    const images = imageOptionsFromConfig(resolveConfig({}, "/srv/app"));
    expect(images.limits).toMatchObject({ maxInputPixels: 89_478_485, maxInputSide: 32_768 });
    expect(images.variants).toEqual({});
  });

  it("names a bad variant's key", () => {
    const bad = resolveConfig({ images: { variants: { t: { fit: [0, 1] } } } }, "/srv/app");
    expect(() => imageOptionsFromConfig(bad)).toThrow(/Image variant "t": "fit"/);
  });

  describe("each configured limit reaches the code", () => {
    const images = imageOptionsFromConfig(config);
    const cases = [
      ["maxInputSide", 1200, 300, "longer than 1,000 pixels"],
      ["maxAspectRatio", 900, 200, "the limit is 4:1"],
      ["maxInputPixels", 900, 800, "the limit is 0.5 megapixels"],
    ] as const;

    it.each(cases)("%s: makeVariants refuses %ix%i", async (_, width, height, message) => {
      const storage = createStorage("memory://");
      await storage.save("a.jpg", await photoJpeg(width, height));
      await expect(
        makeVariants(storage, "a.jpg", images.variants, images.limits),
      ).rejects.toMatchObject({
        code: "E_IMAGE_TOO_LARGE",
        message: expect.stringContaining(message),
      });
      await expect(
        renderVariant(storage, "a.jpg", "thumb", images.variants, images.limits),
      ).rejects.toMatchObject({ code: "E_IMAGE_TOO_LARGE" });
    });

    it.each(cases)("%s: the variant handler answers 422 for %ix%i", async (_, width, height) => {
      const storage = createStorage("memory://");
      await storage.save("a.jpg", await photoJpeg(width, height));
      const handler = createVariantHandler({
        storage,
        variants: images.variants,
        limits: images.limits,
      });
      const target = `/media/${variantName("a.jpg", "thumb", images.variants.thumb)}`;
      expect((await handler.respond({ method: "GET", target }))?.status).toBe(422);
    });

    it.each(cases)("%s: the upload validator refuses %ix%i", async (_, width, height, message) => {
      const built = new MultipartBuilder()
        .file("photo", "a.jpg", await photoJpeg(width, height), "image/jpeg")
        .build();
      const error = await parseUpload(
        { headers: built.headers, body: Readable.from([built.body]) },
        { validators: { photo: [imageDimensions({ limits: images.limits })] } },
      ).then(
        () => undefined,
        (caught: Error) => caught,
      );
      expect(error?.message).toContain(message);
    });
  });
});
