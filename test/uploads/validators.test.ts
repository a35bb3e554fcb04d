import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { imageFile } from "../../src/testing/factories.js";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import { KB } from "../../src/uploads/format.js";
import { parseUpload } from "../../src/uploads/parse.js";
import { detectContentType, typeAgreesWithExtension } from "../../src/uploads/sniff.js";
import {
  extensions,
  imageDimensions,
  maxSize,
  minSize,
  realType,
} from "../../src/uploads/validators.js";
import { blackPng, craftedGif, rotatedJpeg } from "../images/fixtures.js";
import { makeTmpDir, parseError, streamOf } from "./helpers.js";

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeEach(async () => {
  tmp = await makeTmpDir();
});
afterEach(async () => {
  await tmp.remove();
});

const PNG_1x1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

describe("type detection", () => {
  test.each([
    [PNG_1x1, "image/png"],
    [Buffer.from("<!DOCTYPE html><html><script>alert(1)</script>"), "text/html"],
    [
      Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
      "image/svg+xml",
    ],
    [Buffer.from("name,age\nada,36\n"), "text/plain"],
    [Buffer.from([0, 1, 2, 3, 250, 251]), "application/octet-stream"],
    [Buffer.from("%PDF-1.7\n"), "application/pdf"],
  ])("detects %#", async (bytes, expected) => {
    expect(await detectContentType(bytes)).toBe(expected);
  });

  test.each([
    ["image/jpeg", "jpg", true],
    ["image/jpeg", "JPEG".toLowerCase(), true],
    ["text/html", "jpg", false],
    ["text/html", "html", true],
    ["image/svg+xml", "png", false],
    ["image/svg+xml", "svg", true],
    ["text/plain", "csv", true],
    ["text/plain", "json", true],
    ["text/plain", "png", false],
    ["application/octet-stream", "jpg", false],
    ["application/octet-stream", "dat", true],
    ["image/png", "dat", true],
    ["text/html", "dat", false],
    ["application/zip", "docx", true],
  ])("%s under .%s agrees: %s", (detected, ext, agrees) => {
    expect(typeAgreesWithExtension(detected, ext)).toBe(agrees);
  });
});

async function upload(form: MultipartBuilder, options: Parameters<typeof parseUpload>[1]) {
  const built = form.build();
  return parseError(built.headers, built.body, { tmpDir: tmp.dir, ...options });
}

describe("validators on a parse", () => {
  test("refuses a .jpg that is HTML, naming the field and the rule", async () => {
    const error = await upload(
      new MultipartBuilder().file(
        "photo",
        "cat.jpg",
        "<html><script>alert(1)</script></html>",
        "image/jpeg",
      ),
      {},
    );
    expect(error).toMatchObject({
      code: "E_VALIDATION",
      status: 400,
      field: "photo",
      rule: "realType",
    });
    expect((error as unknown as { errors: Record<string, string[]> }).errors).toEqual({
      photo: [
        'File type .html is not allowed as a .jpg file: "cat.jpg" contains a .html file (text/html). Upload it with its real extension, or the right file.',
      ],
    });
    expect(await tmp.files()).toEqual([]);
  });

  test("refuses SVG unless allowed", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>';
    const form = () => new MultipartBuilder().file("logo", "logo.svg", svg, "image/svg+xml");
    expect(await upload(form(), {})).toMatchObject({ code: "E_VALIDATION", rule: "svg" });
    const built = form().build();
    const result = await parseUpload(
      { headers: built.headers, body: streamOf(built.body) },
      { allowSvg: true, tmpDir: tmp.dir },
    );
    expect(result.file("logo")!.detectedType).toBe("image/svg+xml");
  });

  test("collects every failure per field, with 413 when all are size rules", async () => {
    const big = Buffer.alloc(3 * KB, 0x61);
    const error = await upload(
      new MultipartBuilder()
        .file("a", "a.txt", big, "text/plain")
        .file("b", "b.txt", big, "text/plain"),
      { validators: { a: [maxSize(2 * KB)], b: [maxSize(1 * KB)] } },
    );
    expect(error).toMatchObject({ code: "E_VALIDATION", status: 413 });
    expect((error as unknown as { errors: Record<string, string[]> }).errors).toEqual({
      a: ["File size must be under 2 KB. Your file is 3.00 KB."],
      b: ["File size must be under 1 KB. Your file is 3.00 KB."],
    });
  });

  test.each([
    [
      extensions(["png", ".JPG"]),
      "a.GIF",
      'File extension "gif" is not allowed. Allowed extensions are: png, jpg.',
    ],
    [minSize(), "a.png", "The file is empty."],
  ])("%# refuses with an actionable message", async (validator, filename, message) => {
    const error = await upload(new MultipartBuilder().file("f", filename, new Uint8Array(0)), {
      verifyType: false,
      validators: { f: [validator] },
    });
    expect(error).toMatchObject({ code: "E_VALIDATION", status: 400, field: "f" });
    expect((error as unknown as { errors: Record<string, string[]> }).errors.f).toEqual([message]);
  });

  test("extensions() is case-insensitive", async () => {
    const part = await imageFile({ format: "png", filename: "SHOUT.PNG" });
    const built = new MultipartBuilder().add(part).build();
    const result = await parseUpload(
      { headers: built.headers, body: streamOf(built.body) },
      { tmpDir: tmp.dir, validators: { image: [extensions(["png"]), realType(["image/*"])] } },
    );
    expect(result.file("image")!.extension).toBe("png");
  });

  test("imageDimensions reads width, height and pixels from the header of a temp file", async () => {
    const part = await imageFile({ format: "jpeg", width: 400, height: 300 });
    const built = new MultipartBuilder().add(part).build();
    const options = (rules: Parameters<typeof imageDimensions>[0]) => ({
      tmpDir: tmp.dir,
      memoryThreshold: 10,
      validators: { image: [imageDimensions(rules)] },
    });
    expect(await parseError(built.headers, built.body, options({ maxWidth: 399 }))).toMatchObject({
      rule: "imageDimensions",
      message: expect.stringContaining(
        "Image width must be at most 399 px. Your image is 400×300.",
      ),
    });
    expect(
      await parseError(built.headers, built.body, options({ maxPixels: 100_000 })),
    ).toMatchObject({
      message: expect.stringContaining("at most 100,000 pixels"),
    });
    expect(await tmp.files()).toEqual([]);
    const ok = await parseUpload(
      { headers: built.headers, body: streamOf(built.body) },
      options({ maxWidth: 400, minHeight: 300 }),
    );
    expect(await ok.file("image")!.imageSize()).toEqual({
      format: "jpeg",
      width: 400,
      height: 300,
    });
    await ok.cleanup();
  });
});

describe("imageDimensions reads what the image renderer reads", () => {
  const options = (validators: ReturnType<typeof imageDimensions>[], memoryThreshold = 10) => ({
    tmpDir: tmp.dir,
    memoryThreshold,
    validators: { photo: validators },
  });
  const form = (filename: string, content: Buffer, type: string) =>
    new MultipartBuilder().file("photo", filename, content, type).build();

  test.each([6, 8])(
    "sees a phone photo stored 400x100 with EXIF orientation %i as the 100x400 it is",
    async (orientation) => {
      const built = form("portrait.jpg", await rotatedJpeg(400, 100, orientation), "image/jpeg");
      const error = await parseError(
        built.headers,
        built.body,
        options([imageDimensions({ maxHeight: 399 })]),
      );
      expect((error as unknown as { errors: Record<string, string[]> }).errors.photo).toEqual([
        "Image height must be at most 399 px. Your image is 100×400.",
      ]);
      expect(await tmp.files()).toEqual([]);
      const ok = await parseUpload(
        { headers: built.headers, body: streamOf(built.body) },
        options([imageDimensions({ maxWidth: 100, minHeight: 400 })]),
      );
      expect(await ok.file("photo")!.imageSize()).toEqual({
        format: "jpeg",
        width: 100,
        height: 400,
      });
      await ok.cleanup();
    },
  );

  test("counts a GIF's 60000x60000 frame, not its 10x10 screen, against maxPixels", async () => {
    const gif = craftedGif(10, 10, [
      { left: 0, top: 0, width: 10, height: 10 },
      { left: 0, top: 0, width: 60_000, height: 60_000 },
    ]);
    for (const threshold of [10, 1024 * 1024]) {
      const built = form("tiny.gif", gif, "image/gif");
      const error = await parseError(
        built.headers,
        built.body,
        options([imageDimensions({ maxPixels: 16e6 })], threshold),
      );
      expect(error).toMatchObject({ code: "E_VALIDATION", rule: "imageDimensions" });
      expect(error.message).toContain(
        "Image must have at most 16,000,000 pixels. Your image is 60000×60000 (3,600,000,000).",
      );
      expect(await tmp.files()).toEqual([]);
    }
  });

  test("refuses what makeVariants would refuse (an 86 KB PNG of 89,000,000 x 1) before it is stored", async () => {
    const built = form("line.png", await blackPng(89_000_000, 1), "image/png");
    const error = await parseError(built.headers, built.body, options([imageDimensions()]));
    expect((error as unknown as { errors: Record<string, string[]> }).errors.photo).toEqual([
      "The image is 89000000 x 1 pixels; neither side may be longer than 32,768 pixels. Resize it before uploading.",
    ]);
    expect(await tmp.files()).toEqual([]);
  });

  test("applies the image limits it is given", async () => {
    const built = (await imageFile({ format: "png", width: 1200, height: 100 })).content as Buffer;
    const body = form("wide.png", built, "image/png");
    const error = await parseError(
      body.headers,
      body.body,
      options([imageDimensions({ limits: { maxAspectRatio: 10 } })]),
    );
    expect(error.message).toContain("a shape of 12:1; the limit is 10:1");
    const ok = await parseUpload(
      { headers: body.headers, body: streamOf(body.body) },
      options([imageDimensions({ limits: { maxAspectRatio: 12 } })]),
    );
    expect(await ok.file("photo")!.imageSize()).toMatchObject({ width: 1200, height: 100 });
    await ok.cleanup();
  });

  test("says a file that is not an image has no size to read", async () => {
    const built = form("notes.png", Buffer.from("plain text, not pixels"), "image/png");
    const error = await parseError(built.headers, built.body, {
      ...options([imageDimensions()]),
      verifyType: false,
    });
    expect((error as unknown as { errors: Record<string, string[]> }).errors.photo).toEqual([
      "The file is not an image whose size can be read (JPEG, PNG, WebP, AVIF, HEIC, GIF, TIFF).",
    ]);
  });
});
