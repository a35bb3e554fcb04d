import { Readable } from "node:stream";
import { afterEach, beforeEach, expect, test } from "vitest";
import { type TemporaryMedia, temporaryMedia } from "../../src/testing/media.js";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import * as uploads from "../../src/uploads/index.js";
import { uploadName } from "../../src/uploads/naming.js";
import { parseUpload } from "../../src/uploads/parse.js";

let media: TemporaryMedia;
beforeEach(async () => {
  media = await temporaryMedia();
});
afterEach(async () => {
  await media.cleanup();
});

test.each([
  ["in memory", 1024 * 1024],
  ["from a temp file", 16],
])(
  "saveTo stores a file %s under a free name and removes the temp file",
  async (_label, memoryThreshold) => {
    const form = new MultipartBuilder()
      .file("doc", "../../Report 2024.txt", "first", "text/plain")
      .file("doc", "Report 2024.txt", "second", "text/plain")
      .build();
    const result = await parseUpload(
      { headers: form.headers, body: Readable.from([form.body]) },
      { tmpDir: media.tmpDir, memoryThreshold },
    );
    const [first, second] = result.files.doc;
    const names = [
      await first.saveTo(media.storage, uploadName("documents/%Y/", first.filename)),
      await second.saveTo(media.storage, uploadName("documents/%Y/", second.filename)),
    ];
    const year = new Date().getUTCFullYear();
    expect(names[0]).toBe(`documents/${year}/Report_2024.txt`);
    expect(names[1]).not.toBe(names[0]);
    expect(names[1].startsWith(`documents/${year}/Report_2024`)).toBe(true);
    expect(await media.storage.read(names[0])).toEqual(Buffer.from("first"));
    expect(await media.storage.read(names[1])).toEqual(Buffer.from("second"));
    const stat = await media.storage.stat(names[0]);
    expect(stat?.contentType).toMatch(/^text\/plain/);
    expect(await media.leftoverTempFiles()).toEqual([]);
    await result.cleanup();
  },
);

test("the public API of stowage/uploads", () => {
  expect(Object.keys(uploads).sort()).toMatchInlineSnapshot(`
    [
      "KB",
      "MB",
      "MalformedUploadError",
      "NON_FIELD_ERRORS",
      "UPLOAD_DEFAULTS",
      "UploadAbortedError",
      "UploadCountError",
      "UploadError",
      "UploadNameError",
      "UploadResult",
      "UploadSizeError",
      "UploadTimeoutError",
      "UploadValidationError",
      "UploadedFile",
      "defaultTmpDir",
      "detectContentType",
      "extensionOf",
      "extensions",
      "formatBytes",
      "imageDimensions",
      "maxSize",
      "minSize",
      "parseFastifyUpload",
      "parseNodeUpload",
      "parseRequestUpload",
      "parseUpload",
      "readImageSize",
      "realType",
      "resolveUploadOptions",
      "sanitizeFilename",
      "storageSafeName",
      "stowageUploads",
      "typeAgreesWithExtension",
      "uploadErrorReply",
      "uploadErrorResponse",
      "uploadFormErrors",
      "uploadMiddleware",
      "uploadName",
    ]
  `);
});
