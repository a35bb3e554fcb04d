import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type TemporaryMedia, temporaryMedia } from "../../src/testing/media.js";
import { MultipartBuilder, urlencodedBody } from "../../src/testing/multipart.js";
import { uploadMiddleware } from "../../src/uploads/adapters/express.js";
import type { UploadOptions } from "../../src/uploads/options.js";
import { uploadErrorReply } from "../../src/uploads/responses.js";

let media: TemporaryMedia;
beforeEach(async () => {
  media = await temporaryMedia({ driver: "memory" });
});
afterEach(async () => {
  await media.cleanup();
});

/** A real Express app: `before` middleware, then the upload route, then an error handler. */
async function withApp(
  options: UploadOptions,
  before: express.RequestHandler[],
  run: (url: string) => Promise<void>,
) {
  const app = express();
  for (const handler of before) app.use(handler);
  app.post("/upload", uploadMiddleware({ tmpDir: media.tmpDir, ...options }), (req, res) => {
    // `req.uploads` is typed on Express's own Request: no cast needed.
    const uploads = req.uploads!;
    res.json({
      fields: uploads.fields,
      files: uploads.allFiles().map((file) => `${file.field}:${file.filename}`),
    });
  });
  app.use(
    (error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
      const reply = uploadErrorReply(error, req.headers);
      res.status(reply.status).json({
        code: (error as { code?: string }).code,
        ...(reply.json ? reply.body : { errors: reply.errors }),
      });
    },
  );
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function post(
  url: string,
  headers: Record<string, string>,
  body: Uint8Array<ArrayBuffer> | string,
) {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...headers, accept: "application/json" },
    body,
  });
  return { status: response.status, body: await response.json() };
}

describe("a body parser mounted before the upload middleware", () => {
  test.each([[express.urlencoded({ extended: false })], [express.text({ type: "*/*" })]])(
    "%#: the error names the parser and says what to do",
    async (parser) => {
      await withApp({}, [parser], async (url) => {
        const form = urlencodedBody({ title: "Holiday" });
        const response = await post(url, form.headers, form.body);
        expect(response.status).toBe(500);
        expect(response.body.code).toBe("E_BODY_CONSUMED");
        const message: string = response.body.errors.__all__[0];
        expect(message).toMatch(
          /^The request body was already read by another body parser \(for application\/x-www-form-urlencoded, usually express\.urlencoded\(\)\) before the upload parser ran, so nothing is left to parse\. Mount the upload middleware before it, or mount that parser only on the routes that need it/,
        );
        expect(message).not.toMatch(/interrupted/);
        expect(await media.leftoverTempFiles()).toEqual([]);
      });
    },
  );

  test("express.json() before it leaves a form alone, and a JSON post gets 415", async () => {
    await withApp({}, [express.json()], async (url) => {
      const form = new MultipartBuilder().field("title", "Hi").file("doc", "a.txt", "text").build();
      const ok = await post(url, form.headers, form.body);
      expect(ok).toEqual({ status: 200, body: { fields: { title: "Hi" }, files: ["doc:a.txt"] } });
      const json = await post(url, { "content-type": "application/json" }, '{"title":"Hi"}');
      expect(json.status).toBe(415);
      expect(json.body.code).toBe("E_CONTENT_TYPE");
    });
  });
});

test("a fetch Request whose body was read already is named as such, not as interrupted", async () => {
  const { parseRequestUpload } = await import("../../src/uploads/adapters/fetch.js");
  const form = urlencodedBody({ a: "1" });
  const request = new Request("http://x/", {
    method: "POST",
    headers: form.headers,
    body: form.body,
  });
  await request.formData();
  await expect(parseRequestUpload(request, { tmpDir: media.tmpDir })).rejects.toMatchObject({
    code: "E_BODY_CONSUMED",
    status: 500,
    message: expect.stringMatching(/^The Request body was already read \(request\.formData\(\)/),
  });
});

describe("the upload route", () => {
  test("a JSON POST gets 415 with a clear message instead of reaching the handler", async () => {
    await withApp({}, [], async (url) => {
      const response = await post(url, { "content-type": "application/json" }, "{}");
      expect(response).toEqual({
        status: 415,
        body: {
          code: "E_CONTENT_TYPE",
          success: false,
          errors: {
            __all__: [
              'Expected a form (multipart/form-data or application/x-www-form-urlencoded); got "application/json".',
            ],
          },
        },
      });
    });
  });

  test("a POST with no body at all gets 415 too", async () => {
    await withApp({}, [], async (url) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { accept: "application/json" },
      });
      expect(response.status).toBe(415);
    });
  });
});

describe("files: the allowlist of file fields", () => {
  const options: UploadOptions = { files: { avatar: 1, photos: 3 }, memoryThreshold: 0 };

  test("files in allowed fields, within their counts, pass", async () => {
    await withApp(options, [], async (url) => {
      const form = new MultipartBuilder()
        .file("avatar", "me.txt", "a")
        .file("photos", "1.txt", "b")
        .file("photos", "2.txt", "c")
        .field("note", "fields are not files: any name goes")
        .build();
      const response = await post(url, form.headers, form.body);
      expect(response.status).toBe(200);
      expect(response.body.files).toEqual(["avatar:me.txt", "photos:1.txt", "photos:2.txt"]);
    });
  });

  test.each([
    [
      "a file in an unexpected field",
      () =>
        new MultipartBuilder()
          .file("photos", "1.txt", "x".repeat(5000))
          .file("resume", "cv.txt", "y"),
      "resume",
      'Unexpected file in field "resume": this form takes files only in "avatar", "photos".',
    ],
    [
      "a second file in a one-file field",
      () =>
        new MultipartBuilder()
          .file("avatar", "a.txt", "x".repeat(5000))
          .file("avatar", "b.txt", "y"),
      "avatar",
      'Too many files in field "avatar": it takes at most 1 file.',
    ],
  ])(
    "%s is refused with 400 naming the field, nothing left behind",
    async (_label, build, field, message) => {
      await withApp(options, [], async (url) => {
        const form = build().build();
        const response = await post(url, form.headers, form.body);
        expect(response).toEqual({
          status: 400,
          body: { code: "E_UNEXPECTED_FILE", success: false, errors: { [field]: [message] } },
        });
        expect(await media.leftoverTempFiles()).toEqual([]);
      });
    },
  );
});
