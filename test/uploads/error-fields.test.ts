// A refused upload keeps what the user typed: the error carries the text
// fields read completely before the parse stopped, so a form rendered again
// without JavaScript shows them. Checked over HTTP on the node adapter and
// on Express, with a form post (no Accept: application/json).
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TemporaryMedia, temporaryMedia } from "../../src/testing/media.js";
import { MultipartBuilder, urlencodedBody } from "../../src/testing/multipart.js";
import { uploadMiddleware } from "../../src/uploads/adapters/express.js";
import { parseNodeUpload } from "../../src/uploads/adapters/node.js";
import { UploadError } from "../../src/uploads/errors.js";
import type { UploadOptions } from "../../src/uploads/options.js";
import { uploadErrorReply } from "../../src/uploads/responses.js";

let media: TemporaryMedia;
beforeEach(async () => {
  media = await temporaryMedia({ driver: "memory" });
});
afterEach(async () => {
  await media.cleanup();
});

/** What the app's error path hands its form page: the reply's fields and errors. */
interface Rendered {
  status: number;
  fields: Record<string, string>;
  errors: Record<string, string[]>;
}

type Reply = (error: unknown, headers: http.IncomingHttpHeaders, res: http.ServerResponse) => void;

/** Answers as a form page would be filled: the reply's fields and errors (as JSON, to read them). */
const renderForm: Reply = (error, headers, res) => {
  const reply = uploadErrorReply(error, headers);
  res.writeHead(reply.status, { "content-type": "application/json" });
  res.end(JSON.stringify({ fields: reply.fields, errors: reply.errors, body: reply.json }));
};

async function listen(server: http.Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ADAPTERS: Record<string, (options: UploadOptions) => http.Server> = {
  node: (options) =>
    http.createServer((req, res) => {
      parseNodeUpload(req, res, options).then(
        (result) => res.end(JSON.stringify({ fields: result.fields })),
        (error) => renderForm(error, req.headers, res),
      );
    }),
  express: (options) => {
    const app = express();
    app.post("/upload", uploadMiddleware(options), (req, res) => {
      res.json({ fields: req.uploads!.fields });
    });
    app.use(
      (error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) =>
        renderForm(error, req.headers, res),
    );
    return http.createServer(app);
  },
};

async function post(
  url: string,
  form: { headers: Record<string, string>; body: Uint8Array<ArrayBuffer> },
): Promise<Rendered> {
  const response = await fetch(url, { method: "POST", headers: form.headers, body: form.body });
  return { status: response.status, ...(await response.json()) };
}

const FILE_BYTES = "\u00ff".repeat(64 * 1024);

describe.each(Object.keys(ADAPTERS))("upload errors keep the typed fields (%s)", (adapter) => {
  async function withServer(options: UploadOptions, run: (url: string) => Promise<void>) {
    const server = await listen(ADAPTERS[adapter]({ tmpDir: media.tmpDir, ...options }));
    try {
      await run(server.url);
    } finally {
      await server.close();
    }
  }

  it("keeps the fields sent before a file over maxFileSize, and nothing of the file or after it", async () => {
    await withServer({ maxFileSize: 1024 }, async (url) => {
      const form = new MultipartBuilder()
        .field("title", "My <big> report")
        .field("kind", "word")
        .file("document", "big.pdf", FILE_BYTES)
        .field("after", "never read")
        .build();
      const reply = await post(url, form);
      expect(reply.status).toBe(413);
      expect(reply.errors).toEqual({
        document: [expect.stringMatching(/^File size \(field "document"\) must be under/)],
      });
      expect(reply.fields).toEqual({ title: "My <big> report", kind: "word" });
      expect(await media.leftoverTempFiles()).toEqual([]);
    });
  });

  it("leaves out the field whose value went over maxFieldSize", async () => {
    await withServer({ maxFieldSize: 100 }, async (url) => {
      const form = new MultipartBuilder()
        .field("title", "Holiday")
        .field("story", "x".repeat(5000))
        .build();
      const reply = await post(url, form);
      expect(reply.status).toBe(413);
      expect(reply.fields).toEqual({ title: "Holiday" });
    });
  });

  it("keeps every field of a form refused once it was read (a required file missing)", async () => {
    await withServer({ files: { photo: { max: 1, required: true } } }, async (url) => {
      const form = new MultipartBuilder().field("title", "Cat").field("alt", "A cat").build();
      const reply = await post(url, form);
      expect(reply.status).toBe(400);
      expect(reply.errors).toEqual({
        photo: ['No file was sent in "photo": choose a file to upload.'],
      });
      expect(reply.fields).toEqual({ title: "Cat", alt: "A cat" });
    });
  });

  it("keeps the urlencoded fields before one over maxFieldSize", async () => {
    await withServer({ maxFieldSize: 100 }, async (url) => {
      const reply = await post(
        url,
        urlencodedBody([
          ["title", "Notes"],
          ["body", "y".repeat(5000)],
        ]),
      );
      expect(reply.status).toBe(413);
      expect(reply.fields).toEqual({ title: "Notes" });
    });
  });
});

describe("the fields on an upload error", () => {
  it("stay out of the JSON body a script gets", () => {
    const error = new UploadError("E_TEST", "No.", { status: 400, field: "title" });
    const reply = uploadErrorReply(error, { accept: "application/json" });
    expect(reply.json && reply.body).toEqual({ success: false, errors: { title: ["No."] } });
    expect(reply.fields).toEqual({});
  });

  it("are empty, with no prototype, on an error raised outside a parse", () => {
    const error = new UploadError("E_TEST", "No.", { status: 400 });
    expect({ ...error.fields }).toEqual({});
    expect(Object.getPrototypeOf(error.fields)).toBeNull();
  });
});
