import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import Fastify4 from "fastify4";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type TemporaryMedia, temporaryMedia } from "../../src/testing/media.js";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import { type UploadRequestFields, uploadMiddleware } from "../../src/uploads/adapters/express.js";
import { parseFastifyUpload, stowageUploads } from "../../src/uploads/adapters/fastify.js";
import { parseRequestUpload, uploadErrorResponse } from "../../src/uploads/adapters/fetch.js";
import {
  UnexpectedFileError,
  UploadCountError,
  UploadError,
  UploadSizeError,
  UploadValidationError,
} from "../../src/uploads/errors.js";
import { wantsJson } from "../../src/uploads/request.js";
import { uploadErrorReply } from "../../src/uploads/responses.js";
import type { UploadResult } from "../../src/uploads/result.js";

let media: TemporaryMedia;
beforeEach(async () => {
  media = await temporaryMedia({ driver: "memory" });
});
afterEach(async () => {
  await media.cleanup();
});

const bigForm = () =>
  new MultipartBuilder()
    .field("title", "Holiday")
    .file("photo", "beach.bin", Buffer.alloc(64 * 1024, 5))
    .build();
const tooBig = () =>
  new MultipartBuilder().file("photo", "big.bin", Buffer.alloc(200 * 1024, 1)).build();

async function post(url: string, form: ReturnType<typeof bigForm>, json = true) {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...form.headers, accept: json ? "application/json" : "text/html" },
    body: form.body,
  });
  return { status: response.status, body: await response.json() };
}

/** Checks one adapter: fields + file parsed, temp file gone after the response, JSON errors. */
async function checkAdapter(url: string, lastResult: () => UploadResult | undefined) {
  const ok = await post(url, bigForm());
  expect(ok).toEqual({
    status: 200,
    body: { title: "Holiday", saved: "photos/beach.bin", size: 65536 },
  });
  expect(await media.storage.read("photos/beach.bin")).toEqual(Buffer.alloc(64 * 1024, 5));
  await expect.poll(() => media.leftoverTempFiles()).toEqual([]);
  expect(lastResult()).toBeDefined();

  const refused = await post(url, tooBig());
  expect(refused.status).toBe(413);
  expect(refused.body).toEqual({
    success: false,
    errors: {
      photo: [
        expect.stringMatching(
          /^File size \(field "photo"\) must be under 100 KB\. Your file is at least 1\d\d\.\d\d KB\.$/,
        ),
      ],
    },
  });
  expect(await media.leftoverTempFiles()).toEqual([]);
}

const options = () => ({ tmpDir: media.tmpDir, memoryThreshold: 1024, maxFileSize: 100 * 1024 });

describe("adapters", () => {
  test("Express middleware sets req.uploads and req.body, and cleans up after the response", async () => {
    const app = express();
    let last: UploadResult | undefined;
    app.post("/upload", uploadMiddleware(options()), async (req, res) => {
      const { uploads } = req as typeof req & UploadRequestFields;
      last = uploads;
      const photo = uploads!.file("photo")!;
      const saved = await photo.saveTo(media.storage, "photos/beach.bin");
      res.json({ title: (req.body as Record<string, string>).title, saved, size: photo.size });
    });
    app.use(
      (
        error: unknown,
        req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        const reply = uploadErrorReply(error, req.headers);
        res.status(reply.status).json(reply.json ? reply.body : reply.errors);
      },
    );
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      await checkAdapter(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`,
        () => last,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** The route of both Fastify tests, typed by the parts it uses so it fits Fastify 4 and 5. */
  const fastifyRoute =
    (keep: (result: UploadResult) => void) =>
    async (
      request: { raw: IncomingMessage; headers: IncomingHttpHeaders },
      reply: { raw: ServerResponse; code(status: number): { send(payload: unknown): unknown } },
    ) => {
      try {
        const uploads = await parseFastifyUpload(request, reply, options());
        keep(uploads);
        const saved = await uploads.file("photo")!.saveTo(media.storage, "photos/beach.bin");
        return { title: uploads.fields.title, saved, size: uploads.file("photo")!.size };
      } catch (error) {
        const result = uploadErrorReply(error, request.headers);
        return reply.code(result.status).send(result.json ? result.body : result.errors);
      }
    };

  test.each([
    [
      "5",
      async (route: ReturnType<typeof fastifyRoute>) => {
        const app = Fastify();
        await app.register(stowageUploads);
        app.post("/upload", route);
        return app;
      },
    ],
    [
      "4",
      async (route: ReturnType<typeof fastifyRoute>) => {
        const app = Fastify4();
        await app.register(stowageUploads);
        app.post("/upload", route);
        return app;
      },
    ],
  ])(
    "Fastify %s: the plugin leaves the body to parseFastifyUpload, which cleans up after the reply",
    async (_version, makeApp) => {
      let last: UploadResult | undefined;
      const app = await makeApp(
        fastifyRoute((result) => {
          last = result;
        }),
      );
      const address = await app.listen({ port: 0, host: "127.0.0.1" });
      try {
        await checkAdapter(`${address}/upload`, () => last);
      } finally {
        await app.close();
      }
    },
  );

  test("fetch handlers (Hono) parse the Request and answer JSON errors", async () => {
    const app = new Hono();
    let last: UploadResult | undefined;
    app.post("/upload", async (c) => {
      const uploads = await parseRequestUpload(c.req.raw, options());
      last = uploads;
      try {
        const photo = uploads.file("photo")!;
        const saved = await photo.saveTo(media.storage, "photos/beach.bin");
        return c.json({ title: uploads.fields.title, saved, size: photo.size });
      } finally {
        await uploads.cleanup();
      }
    });
    app.onError((error, c) =>
      error instanceof UploadError
        ? uploadErrorResponse(error, c.req.raw)
        : c.text("Internal Server Error", 500),
    );
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      await checkAdapter(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`,
        () => last,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("responses", () => {
  test.each([
    [{ accept: "application/json" }, true],
    [{ "x-requested-with": "XMLHttpRequest" }, true],
    [{ accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" }, false],
    [{}, false],
  ])("with headers %j answers JSON: %s", async (headers, json) => {
    const reply = uploadErrorReply(new UploadCountError("files", 2), headers);
    expect(reply.json).toBe(json);
    expect(reply.status).toBe(400);
    expect(reply.errors).toEqual({
      __all__: ["Too many files: send at most 2 files in one request."],
    });
  });

  test.each<[string, boolean, HeadersInit]>([
    ["X-Requested-With in lower case", true, { "x-requested-with": "xmlhttprequest" }],
    ["Accept: application/vnd.api+json", true, { accept: "application/vnd.api+json" }],
    ["Accept: application/json, text/html", false, { accept: "application/json, text/html" }],
    [
      "fetch Headers with Accept: application/json",
      true,
      new Headers({ accept: "application/json" }),
    ],
  ])("wantsJson for %s is %s, the rule the reply follows", (_, json, init) => {
    const headers = init instanceof Headers ? init : (init as Record<string, string>);
    expect(wantsJson(headers)).toBe(json);
    expect(uploadErrorReply(new UploadCountError("files", 2), headers).json).toBe(json);
  });

  test("rethrows errors that are not upload errors, so bugs stay 500s", () => {
    const bug = new TypeError("boom");
    expect(() => uploadErrorReply(bug, {})).toThrow(bug);
  });
});

describe("uploadErrorResponse", () => {
  const formPost = (headers: Record<string, string> = {}) =>
    new Request("http://app.test/upload", { method: "POST", headers });
  const tooMany = new UnexpectedFileError("photo", 1, ["photo"]);

  test("answers a script client JSON errors by field, with the error's status", async () => {
    const response = uploadErrorResponse(
      new UploadSizeError("fileSize", 1024, 2048, { field: "photo" }),
      formPost({ accept: "application/json" }),
    );
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      success: false,
      errors: {
        photo: ['File size (field "photo") must be under 1 KB. Your file is at least 2.00 KB.'],
      },
    });
  });

  test("answers a form post the error's message as plain text, with its status", async () => {
    const response = uploadErrorResponse(tooMany, formPost({ accept: "text/html" }));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toBe('Too many files in field "photo": it takes at most 1 file.');
  });

  test("answers a form post with the page `form` renders from the errors by field", async () => {
    const error = new UploadValidationError([
      { field: "photo", rule: "required", message: "Choose one." },
    ]);
    const response = uploadErrorResponse(error, formPost(), {
      form: (reply, caught) =>
        `<p class="error">${reply.errors.photo?.join(" ")} (${caught.code}, ${reply.status})</p>`,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toBe('<p class="error">Choose one. (E_MISSING_FILE, 400)</p>');
  });

  test("sends a Response that `form` makes as it is, and never calls `form` for JSON", async () => {
    const made = new Response("see other", { status: 303, headers: { location: "/upload" } });
    expect(uploadErrorResponse(tooMany, formPost(), { form: () => made })).toBe(made);
    const json = uploadErrorResponse(tooMany, formPost({ "x-requested-with": "XMLHttpRequest" }), {
      form: () => {
        throw new Error("form must not be called for a JSON client");
      },
    });
    expect(json.status).toBe(400);
  });

  test("rethrows what is not an upload error, and refuses a misspelt option", () => {
    const bug = new TypeError("boom");
    expect(() => uploadErrorResponse(bug, formPost())).toThrow(bug);
    expect(() => uploadErrorResponse(tooMany, formPost(), { from: () => "" } as never)).toThrow(
      /Unknown option "from" for uploadErrorResponse\. Did you mean "form"\?/,
    );
  });

  test("a Hono app answers a form post's upload error with its status, typed for c.text", async () => {
    const app = new Hono();
    app.post("/upload", async (c) => {
      await parseRequestUpload(c.req.raw, { files: { photo: { required: true } } });
      return c.text("stored");
    });
    // error.status is a union of the statuses uploads use, which c.text takes as it is.
    app.onError((error, c) =>
      error instanceof UploadError ? c.text(error.message, error.status) : c.text("bug", 500),
    );
    const form = new MultipartBuilder().field("title", "Holiday").build();
    const response = await app.request("/upload", {
      method: "POST",
      headers: form.headers,
      body: form.body,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('No file was sent in "photo": choose a file to upload.');
  });
});
