import { describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import { createDirectUploads } from "../../src/uploads/direct/index.js";
import { uploadErrorReply } from "../../src/uploads/index.js";
import { SECRET, sendUpload, startApp } from "./support.js";

const memory = () => ({ default: createStorage("memory://") });
const base = () => ({
  storages: memory(),
  secret: SECRET,
  fields: { doc: { uploadTo: "docs/{uuid}.{ext}" } },
});

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string; status: number };
  }
  throw new Error("expected a refusal");
}

describe("direct upload options", () => {
  it.each([
    [
      { ...base(), endpiont: "/x/" },
      'Unknown option "endpiont" for createDirectUploads. Did you mean "endpoint"?',
    ],
    [
      { ...base(), fields: { doc: { uploadTo: "x", maxsize: 1 } } },
      'Unknown option "maxsize" for createDirectUploads fields.doc. Did you mean "maxSize"?',
    ],
    [{ ...base(), secret: "short" }, "a secret of at least 16 characters"],
    [{ ...base(), storages: {} }, '"storages" must have a "default" storage.'],
    [
      { ...base(), fields: { doc: { uploadTo: "x", storage: "private" } } },
      'fields.doc.storage names "private", which is not in storages (default).',
    ],
    [{ ...base(), fields: { doc: { uploadTo: 3 } } }, "fields.doc.uploadTo must be a template"],
    [
      { ...base(), fields: { doc: { uploadTo: "x", maxSize: 0 } } },
      '"fields.doc.maxSize" must be a whole number above 0; got 0.',
    ],
    [{ ...base(), pendingPrefix: "../up/" }, '"pendingPrefix" must be a folder name ending in "/"'],
    [
      { ...base(), endpoint: "uploads" },
      '"endpoint" must be a URL path that starts and ends with "/"',
    ],
    [{ ...base(), tusPath: "/tus" }, '"tusPath" must be a URL path that starts and ends with "/"'],
    [{ ...base(), expiresIn: 1.5 }, '"expiresIn" must be a whole number above 0; got 1.5.'],
    [{ ...base(), confirmWithin: -1 }, '"confirmWithin" must be a whole number above 0; got -1.'],
  ])("refuses %j, naming the key", (options, message) => {
    expect(() => createDirectUploads(options as never)).toThrow(message);
    try {
      createDirectUploads(options as never);
    } catch (error) {
      expect((error as { code: string }).code).toBe("E_CONFIG");
    }
  });

  it("reads every option: prefix, endpoint, lifetimes, named storage, uploadTo as a function", async () => {
    const storages = { default: createStorage("memory://"), private: createStorage("memory://") };
    const direct = createDirectUploads({
      storages,
      secret: SECRET,
      endpoint: "/up/",
      pendingPrefix: "incoming/",
      expiresIn: 60,
      confirmWithin: 30,
      fields: {
        doc: {
          storage: "private",
          maxSize: 100,
          uploadTo: (context, filename) => `by/${context.user}/${filename}`,
        },
      },
    });
    const now = Date.now();
    const prepared = await direct.prepare({ field: "doc", filename: "notes.txt", size: 5 });
    // Whole seconds: 60 s after the moment of signing, give or take the second it falls in.
    expect(Date.parse(prepared.expiresAt)).toBeGreaterThan(now + 58_000);
    expect(Date.parse(prepared.expiresAt)).toBeLessThanOrEqual(Date.now() + 60_000);
    if (prepared.upload.method !== "PUT") throw new Error("expected PUT");
    expect(prepared.upload.url).toMatch(/^\/up\/incoming\/[0-9a-f-]{36}\.txt\?ticket=/);
    const app = await startApp(direct);
    try {
      expect((await sendUpload(prepared, Buffer.from("hello"), app.base)).status).toBe(201);
    } finally {
      await app.close();
    }
    // Past expiresIn + confirmWithin the ticket no longer confirms.
    const late = await refusal(direct.confirm(prepared.ticket, { now: now + 91_000 }));
    expect(late).toMatchObject({ code: "E_TICKET_EXPIRED", status: 403 });
    const confirmed = await direct.confirm(prepared.ticket, { context: { user: "ada" } });
    expect(confirmed).toMatchObject({
      storage: "private",
      name: "by/ada/notes.txt",
      type: "text/plain",
    });
    expect(await storages.private.read("by/ada/notes.txt")).toEqual(Buffer.from("hello"));
    expect(await storages.default.exists("by/ada/notes.txt")).toBe(false);
  });

  it("refuses SVG unless the field allows it", async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const storages = memory();
    const direct = createDirectUploads({
      storages,
      secret: SECRET,
      fields: {
        logo: { uploadTo: "logos/{uuid}.{ext}" },
        trusted: { uploadTo: "trusted/{uuid}.{ext}", allowSvg: true },
      },
    });
    const app = await startApp(direct);
    try {
      const refused = await direct.prepare({ field: "logo", filename: "a.svg", size: svg.length });
      await sendUpload(refused, svg, app.base);
      const error = await refusal(direct.confirm(refused.ticket));
      expect(error.message).toBe("SVG files are not accepted here: they can carry scripts.");
      const allowed = await direct.prepare({
        field: "trusted",
        filename: "a.svg",
        size: svg.length,
      });
      await sendUpload(allowed, svg, app.base);
      expect((await direct.confirm(allowed.ticket)).type).toBe("image/svg+xml");
    } finally {
      await app.close();
    }
  });
});

describe("what prepare accepts from the browser", () => {
  const direct = createDirectUploads({
    storages: memory(),
    secret: SECRET,
    fields: { doc: { uploadTo: "docs/{uuid}.{ext}", extensions: ["pdf"] } },
  });
  it.each([
    [null, "The upload request must be a JSON object with field, filename and size."],
    [
      { field: "doc", filename: "a.pdf", size: 1, extra: 1 },
      'Unknown key "extra" in the upload request.',
    ],
    [
      { field: "doc", filename: "a.pdf", size: 1, sha265: "" },
      'Unknown key "sha265" in the upload request. Did you mean "sha256"?',
    ],
    [
      { field: "avatar", filename: "a.pdf", size: 1 },
      'names the field "avatar", which takes no direct uploads; expected one of: doc.',
    ],
    [{ field: "doc", filename: "", size: 1 }, "The upload request needs the file's name."],
    [
      { field: "doc", filename: "a.pdf", size: -1 },
      "The upload request needs the file's size in bytes.",
    ],
    [
      { field: "doc", filename: "a.pdf", size: 1, sha256: "abc" },
      "sha256 must be 64 hexadecimal digits.",
    ],
    [
      { field: "doc", filename: "a.pdf", size: 1, method: "ftp" },
      'method must be "direct" or "tus".',
    ],
    [
      { field: "doc", filename: "a.pdf", size: 1, method: "tus" },
      "Resumable (tus) uploads are not enabled here: set tusPath.",
    ],
    [
      { field: "doc", filename: "../../etc/a.pdf", size: 1 },
      'The file name of "doc" must be a plain name without folders; got "../../etc/a.pdf".',
    ],
    [
      { field: "doc", filename: "a.exe", size: 1 },
      'File extension "exe" is not allowed. Allowed extensions are: pdf.',
    ],
  ])("refuses %j with a message for the page", async (request, message) => {
    const error = await refusal(direct.prepare(request));
    expect(error.message).toContain(message);
    expect(error.status).toBe(400);
    expect(uploadErrorReply(error, { accept: "application/json" }).status).toBe(400);
  });
});
