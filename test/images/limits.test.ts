import { describe, expect, it } from "vitest";
import {
  type ImageLimits,
  makeVariants,
  resolveImageLimits,
  transformImage,
} from "../../src/images/index.js";
import { createStorage } from "../../src/storage/index.js";
import { blackPng, craftedGif, photoJpeg } from "./fixtures.js";

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string; status: number; rule?: string; key?: string };
  }
  throw new Error("expected the promise to reject");
}

/** CPU time and RSS growth of `work`, for bounds far from what a decode costs. */
async function cost(work: () => Promise<unknown>): Promise<{ cpuMs: number; rssMb: number }> {
  const rss = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  await work().catch(() => undefined);
  const used = process.cpuUsage(cpu);
  return {
    cpuMs: (used.user + used.system) / 1000,
    rssMb: (process.memoryUsage().rss - rss) / 2 ** 20,
  };
}

describe("an 86 KB PNG of 89,000,000 x 1 pixels", () => {
  it("is refused from its header with E_IMAGE_TOO_LARGE, before any row is decoded", async () => {
    const wide = await blackPng(89_000_000, 1);
    expect(wide.byteLength).toBeLessThan(100_000);
    const error = await failure(transformImage(wide, { fit: [300, 300] }));
    expect(error).toMatchObject({ code: "E_IMAGE_TOO_LARGE", status: 413, rule: "side" });
    expect(error.message).toBe(
      "The image is 89000000 x 1 pixels; neither side may be longer than 32,768 pixels. Resize it before uploading.",
    );
    // Decoding it took 860 MB; the refusal touches next to nothing.
    expect((await cost(() => transformImage(wide, { fit: [300, 300] }))).rssMb).toBeLessThan(100);
  });
});

describe("an image of 1 x 89,000,000 pixels", () => {
  it("is refused from its header in a small fraction of the CPU one thumbnail took (11 s and more)", async () => {
    const tall = await blackPng(1, 89_000_000);
    const error = await failure(transformImage(tall, { fit: [300, 300] }));
    expect(error).toMatchObject({ code: "E_IMAGE_TOO_LARGE", rule: "side" });
    expect((await cost(() => transformImage(tall, { fit: [300, 300] }))).cpuMs).toBeLessThan(2000);
  });

  it("leaves nothing behind in storage when makeVariants refuses it", async () => {
    const storage = createStorage("memory://");
    await storage.save("tall.png", await blackPng(1, 89_000_000));
    await expect(
      makeVariants(storage, "tall.png", { thumb: { cover: [100, 100] } }),
    ).rejects.toMatchObject({ code: "E_IMAGE_TOO_LARGE" });
    const names: string[] = [];
    for await (const entry of storage.list("")) names.push(entry.name);
    expect(names).toEqual(["tall.png"]);
  });
});

describe("the aspect ratio limit", () => {
  it("refuses a strip thinner than 100:1 and names the shape", async () => {
    const strip = await blackPng(3_030, 30);
    const error = await failure(transformImage(strip, { fit: [300, 300] }));
    expect(error).toMatchObject({ code: "E_IMAGE_TOO_LARGE", rule: "aspect" });
    expect(error.message).toBe(
      "The image is 3030 x 30 pixels, a shape of 101:1; the limit is 100:1. Crop it to a less extreme shape before uploading.",
    );
  });

  it("lets the same strip through when maxAspectRatio is raised", async () => {
    const out = await transformImage(
      await blackPng(3_030, 30),
      { fit: [303, 303] },
      { maxAspectRatio: 101 },
    );
    expect([out.width, out.height]).toEqual([303, 3]);
  });
});

describe("limits apply to what is displayed", () => {
  it("counts a GIF's largest frame against maxInputSide, not its 10 x 10 screen", async () => {
    const gif = craftedGif(10, 10, [
      { left: 0, top: 0, width: 10, height: 10 },
      { left: 0, top: 0, width: 60_000, height: 60_000 },
    ]);
    const error = await failure(transformImage(gif, { fit: [100, 100], format: "png" }));
    expect(error).toMatchObject({ code: "E_IMAGE_TOO_LARGE", rule: "side" });
    expect(error.message).toContain("60000 x 60000 pixels");
  });

  it("refuses by side before pixels: maxInputSide holds even with pixels to spare", async () => {
    const input = await photoJpeg(1200, 100);
    const limits: ImageLimits = { maxInputSide: 1000, maxInputPixels: 10_000_000 };
    expect(await failure(transformImage(input, { fit: [100, 100] }, limits))).toMatchObject({
      rule: "side",
      message: expect.stringContaining("longer than 1,000 pixels"),
    });
  });
});

describe("resolveImageLimits", () => {
  it.each([
    [{ maxInputSide: 0 }, 'Image limit "maxInputSide" must be a positive whole number; found 0.'],
    [
      { maxInputSide: 1.5 },
      'Image limit "maxInputSide" must be a positive whole number; found 1.5.',
    ],
    [
      { maxAspectRatio: 0.5 },
      'Image limit "maxAspectRatio" must be a number of at least 1; found 0.5.',
    ],
    [
      { maxAspectRatio: Number.POSITIVE_INFINITY },
      'Image limit "maxAspectRatio" must be a number of at least 1; found Infinity.',
    ],
  ])("refuses %j", (limits, message) => {
    expect(() => resolveImageLimits(limits)).toThrow(message);
  });

  it("refuses an option key nobody reads, naming it", async () => {
    const storage = createStorage("memory://");
    await storage.save("a.jpg", await photoJpeg(40, 40));
    const misspelt = { maxInputPixel: 10 } as unknown as ImageLimits;
    expect(
      await failure(makeVariants(storage, "a.jpg", { t: { fit: [10, 10] } }, misspelt)),
    ).toMatchObject({
      code: "E_CONFIG",
      key: "maxInputPixel",
      message: expect.stringContaining('Unknown option "maxInputPixel" for makeVariants.'),
    });
    expect(
      await failure(transformImage(await photoJpeg(40, 40), { fit: [10, 10] }, misspelt)),
    ).toMatchObject({ code: "E_CONFIG", key: "maxInputPixel" });
  });
});
