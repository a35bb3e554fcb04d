import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { MultipartBuilder, urlencodedBody } from "../../src/testing/multipart.js";
import { uploadOptionsFromConfig } from "../../src/uploads/config.js";
import { UploadValidationError } from "../../src/uploads/errors.js";
import type { UploadOptions } from "../../src/uploads/options.js";
import { parseUpload } from "../../src/uploads/parse.js";
import { uploadErrorReply } from "../../src/uploads/responses.js";
import { extensions } from "../../src/uploads/validators.js";
import { makeTmpDir, parseError, streamOf } from "./helpers.js";

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeEach(async () => {
  tmp = await makeTmpDir();
});
afterEach(async () => {
  await tmp.remove();
});

const MISSING_PHOTO = 'No file was sent in "photo": choose a file to upload.';

/** `photo` required, `document` optional; every file goes to a temp file, so leftovers show. */
const options = (more: UploadOptions = {}): UploadOptions => ({
  tmpDir: tmp.dir,
  memoryThreshold: 0,
  files: { photo: { max: 1, required: true }, document: 1 },
  ...more,
});

describe("a required file field", () => {
  test.each([
    [
      "a form without the field",
      () => new MultipartBuilder().field("title", "Holiday").file("document", "a.txt", "notes"),
    ],
    [
      "a file input left empty (a nameless, empty part)",
      () => new MultipartBuilder().field("title", "Holiday").file("photo", "", ""),
    ],
  ])(
    "refuses %s with 400 E_MISSING_FILE naming the field, nothing left behind",
    async (_label, build) => {
      const form = build().build();
      const error = await parseError(form.headers, form.body, options());
      expect(error).toBeInstanceOf(UploadValidationError);
      expect(error).toMatchObject({
        code: "E_MISSING_FILE",
        status: 400,
        field: "photo",
        message: MISSING_PHOTO,
      });
      expect((error as UploadValidationError).failures).toEqual([
        { field: "photo", rule: "required", message: MISSING_PHOTO },
      ]);
      expect(await tmp.files()).toEqual([]);
    },
  );

  test("refuses a urlencoded post, which carries no file at all", async () => {
    const form = urlencodedBody({ title: "Holiday" });
    const error = await parseError(form.headers, form.body, options());
    expect(error).toMatchObject({ code: "E_MISSING_FILE", status: 400, field: "photo" });
  });

  test("reaches uploadErrorReply as a field error, for JSON and form clients alike", async () => {
    const form = new MultipartBuilder().field("title", "Holiday").build();
    const error = await parseError(form.headers, form.body, options());
    expect(uploadErrorReply(error, { accept: "application/json" })).toMatchObject({
      status: 400,
      json: true,
      body: { success: false, errors: { photo: [MISSING_PHOTO] } },
    });
    expect(uploadErrorReply(error, {})).toMatchObject({
      status: 400,
      json: false,
      errors: { photo: [MISSING_PHOTO] },
      message: MISSING_PHOTO,
    });
  });

  test("accepts the form with the file, so the route can rely on file(field)", async () => {
    const form = new MultipartBuilder().file("photo", "cat.txt", "meow").build();
    const result = await parseUpload(
      { headers: form.headers, body: streamOf(form.body) },
      options({ verifyType: false }),
    );
    try {
      expect(result.file("photo")?.filename).toBe("cat.txt");
    } finally {
      await result.cleanup();
    }
  });

  test("takes one file when max is not given", async () => {
    const form = new MultipartBuilder()
      .file("photo", "a.txt", "a")
      .file("photo", "b.txt", "b")
      .build();
    const error = await parseError(form.headers, form.body, {
      tmpDir: tmp.dir,
      files: { photo: { required: true } },
    });
    expect(error).toMatchObject({
      code: "E_UNEXPECTED_FILE",
      message: 'Too many files in field "photo": it takes at most 1 file.',
    });
  });

  test("is reported with the validators' failures, missing files first", async () => {
    const form = new MultipartBuilder().file("document", "run.exe", "MZ").build();
    const error = await parseError(
      form.headers,
      form.body,
      options({ validators: { document: [extensions(["txt"])] } }),
    );
    expect(error).toMatchObject({ code: "E_VALIDATION", status: 400, field: "photo" });
    expect(error.message).toBe(`${MISSING_PHOTO} (and 1 more)`);
    expect(uploadErrorReply(error, {}).errors).toEqual({
      photo: [MISSING_PHOTO],
      document: ['File extension "exe" is not allowed. Allowed extensions are: txt.'],
    });
    expect(await tmp.files()).toEqual([]);
  });

  test("names every required field that got nothing, in the allowlist's order", async () => {
    const form = new MultipartBuilder().field("title", "x").build();
    const error = await parseError(form.headers, form.body, {
      tmpDir: tmp.dir,
      files: { front: { required: true }, back: { max: 2, required: true } },
    });
    expect(error).toMatchObject({ code: "E_MISSING_FILE", status: 400 });
    expect(uploadErrorReply(error, {}).errors).toEqual({
      front: ['No file was sent in "front": choose a file to upload.'],
      back: ['No file was sent in "back": choose a file to upload.'],
    });
  });
});

describe("a field of the allowlist not marked required", () => {
  test.each<[string, UploadOptions["files"]]>([
    ["a count", { photo: 1 }],
    ["{ max }", { photo: { max: 1 } }],
    ["{ required: false }", { photo: { max: 1, required: false } }],
  ])("may be left out (%s)", async (_label, files) => {
    const form = new MultipartBuilder().field("title", "Holiday").build();
    const result = await parseUpload(
      { headers: form.headers, body: streamOf(form.body) },
      { tmpDir: tmp.dir, files },
    );
    expect(result.fields.title).toBe("Holiday");
    expect(result.file("photo")).toBeUndefined();
  });
});

test("a config file's media.uploads may mark a file field required", async () => {
  const config = resolveConfig(
    { media: { uploads: { files: { photo: { max: 1, required: true } } } } },
    "/srv/app",
  );
  const form = new MultipartBuilder().field("title", "Holiday").build();
  const error = await parseError(form.headers, form.body, {
    ...uploadOptionsFromConfig(config),
    tmpDir: tmp.dir,
  });
  expect(error).toMatchObject({ code: "E_MISSING_FILE", field: "photo" });
});
