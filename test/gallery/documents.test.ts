import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OFFICE_FILES } from "../uploads/office-files.js";
import { Client, form } from "./support/client.js";
import { sendCutOff, waitFor } from "./support/cut-off.js";
import { whileWritesFail } from "./support/failures.js";
import { docx, exe, pdf, picture } from "./support/files.js";
import {
  createTestSite,
  filesUnder,
  type RunningGallery,
  startGallery,
  type TestSite,
} from "./support/gallery.js";

const MB = 1024 * 1024;
const ALLOWED = "Allowed types: .pdf, .doc, .docx, .txt, .jpg, .png.";

let site: TestSite;
let running: RunningGallery;
let alice: Client;

beforeAll(async () => {
  site = await createTestSite();
  running = await startGallery(site.env);
  alice = new Client(running.url);
  await alice.signIn("alice", "wonderland");
});
afterAll(async () => {
  await running?.stop();
  await site?.remove();
});

/** A size as the list shows it: bytes below 1 KB, else KB with at most one decimal. */
function shownSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const kb = bytes / 1024;
  return `${Number.isInteger(kb) ? kb : kb.toFixed(1)} KB`;
}

const media = () => filesUnder(path.join(site.dir, "media"));
const temp = () => filesUnder(path.join(site.dir, "tmp"));

async function removeAllDocuments() {
  await running.gallery.db.deleteFrom("documents").execute();
}

function upload(
  fields: Record<string, string>,
  file?: { name: string; bytes: Uint8Array },
  script = false,
) {
  return alice.post("/documents/upload", form(fields, file ? { file } : {}), { script });
}

describe("document upload", () => {
  beforeEach(removeAllDocuments);

  it("stores the file under documents/YYYY/MM/DD/ and lists it with its size and time", async () => {
    const reply = await upload(
      { title: "Quarterly report", document_type: "pdf" },
      { name: "report.pdf", bytes: pdf(2048) },
    );
    expect(reply.status).toBe(303);
    expect(reply.headers.get("location")).toBe("/documents");

    const today = new Date().toISOString().slice(0, 10).replace(/-/g, "/");
    const stored = await media();
    expect(stored).toContain(`documents/${today}/report.pdf`);

    const page = await alice.get("/documents");
    expect(page.text).toContain("“Quarterly report” is uploaded.");
    expect(page.text).toContain("Quarterly report");
    expect(page.text).toContain("2 KB");
    expect(page.text).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+">/);
    expect(page.text).toContain(`href="/media/documents/${today}/report.pdf"`);
    const download = await alice.get(`/media/documents/${today}/report.pdf`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-length")).toBe("2048");
  });

  it("answers a script with JSON and the new record", async () => {
    const reply = await upload(
      { title: "Notes", document_type: "other" },
      { name: "notes.txt", bytes: Buffer.from("hello\n") },
      true,
    );
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({
      success: true,
      redirect: "/documents",
      document: { title: "Notes", document_type: "other", original_name: "notes.txt", size: 6 },
    });
    expect(reply.json.document.file).toMatch(/^documents\/\d{4}\/\d\d\/\d\d\/notes\.txt$/);
  });

  it("accepts a real Word 97-2003 .doc (an OLE compound file)", async () => {
    const [, doc] = OFFICE_FILES.find(([extension]) => extension === "doc")!;
    const reply = await upload(
      { title: "Minutes", document_type: "word" },
      { name: "minutes.doc", bytes: doc() },
      true,
    );
    expect(reply.status).toBe(201);
    expect(reply.json.document.file).toMatch(/^documents\/\d{4}\/\d\d\/\d\d\/minutes\.doc$/);
    expect(await media()).toContain(reply.json.document.file);
  });

  it.each([
    { name: "minutes.docx", type: "word", label: "Word", bytes: async () => docx() },
    { name: "harbour.jpg", type: "image", label: "Image", bytes: () => picture(640, 480) },
    {
      name: "harbour.png",
      type: "image",
      label: "Image",
      bytes: () => picture(320, 240, { format: "png" }),
    },
  ])(
    "accepts a real $name in a form post and lists it with its type and size",
    async ({ name, type, label, bytes: make }) => {
      const bytes = await make();
      const title = `Upload of ${name}`;
      const reply = await upload({ title, document_type: type }, { name, bytes });
      expect(reply.status).toBe(303);

      const row = await running.gallery.db
        .selectFrom("documents")
        .selectAll()
        .where("title", "=", title)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ document_type: type, original_name: name, size: bytes.length });
      expect(row.file).toMatch(
        new RegExp(`^documents/\\d{4}/\\d\\d/\\d\\d/${name.replace(".", "\\.")}$`),
      );
      expect(await media()).toContain(row.file);

      const page = await alice.get("/documents");
      const listed = new RegExp(`<tr data-document-id="${row.id}">[\\s\\S]*?</tr>`).exec(
        page.text,
      )?.[0];
      expect(listed).toBeDefined();
      expect(listed).toContain(`>${title}</a>`);
      expect(listed).toContain(`<span class="type type-${type}">${label}</span>`);
      expect(listed).toContain(`<td data-label="Size" class="num">${shownSize(bytes.length)}</td>`);
      const download = await alice.get(`/media/${row.file}`);
      expect(download.status).toBe(200);
      expect(download.headers.get("content-length")).toBe(String(bytes.length));
    },
  );

  it("refuses an Excel 97-2003 .xls, the same kind of container, by its name", async () => {
    const [, xls] = OFFICE_FILES.find(([extension]) => extension === "xls")!;
    const reply = await upload(
      { title: "Sheet", document_type: "other" },
      { name: "sheet.xls", bytes: xls() },
      true,
    );
    expect(reply.status).toBe(400);
    expect(reply.json.errors).toEqual({ file: [`File type .xls is not allowed. ${ALLOWED}`] });
  });

  it("gives a second file of the same name a name of its own", async () => {
    const first = await upload(
      { title: "One", document_type: "pdf" },
      { name: "same.pdf", bytes: pdf() },
      true,
    );
    const second = await upload(
      { title: "Two", document_type: "pdf" },
      { name: "same.pdf", bytes: pdf(500) },
      true,
    );
    expect(second.json.document.file).not.toBe(first.json.document.file);
    expect(second.json.document.file).toMatch(/same_[a-zA-Z0-9]{7}\.pdf$/);
  });
});

describe("document upload refuses", () => {
  beforeEach(removeAllDocuments);

  it("an 11 MB file, in the site's words, with 413 JSON for a script", async () => {
    const before = await media();
    const reply = await upload(
      { title: "Too big", document_type: "pdf" },
      { name: "big.pdf", bytes: pdf(11 * MB) },
      true,
    );
    expect(reply.status).toBe(413);
    expect(reply.json).toEqual({
      success: false,
      errors: { file: ["File size must be under 10MB. Your file is 11.00MB."] },
    });
    expect(await media()).toEqual(before);
    expect(await temp()).toEqual([]);
  });

  it("an 11 MB file in a form post: the message beside the field, and what was typed kept", async () => {
    const reply = await upload(
      { title: "My <big> report", document_type: "word" },
      { name: "big.pdf", bytes: pdf(11 * MB) },
    );
    expect(reply.status).toBe(413);
    expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
    expect(reply.text).toMatch(
      /<div class="field invalid" data-field="file">[\s\S]*<li>File size must be under 10MB\. Your file is 11\.00MB\.<\/li>/,
    );
    expect(reply.text).toContain('name="title" value="My &lt;big&gt; report"');
    expect(reply.text).toContain('<option value="word" selected>');
    expect(await temp()).toEqual([]);
  });

  it("a file far over the limit while it streams in, without keeping a byte", async () => {
    const before = await media();
    const reply = await upload(
      { title: "Huge", document_type: "pdf" },
      { name: "huge.pdf", bytes: pdf(31 * MB) },
      true,
    );
    expect(reply.status).toBe(413);
    expect(reply.json.errors.file[0]).toMatch(
      /^File size must be under 10MB\. Your file is larger than 30\.00MB\.$/,
    );
    expect(await media()).toEqual(before);
    expect(await temp()).toEqual([]);
  });

  it("a file far over the limit in a form post: cut off, with what was typed kept", async () => {
    const before = await media();
    const reply = await upload(
      { title: "My huge report", document_type: "word" },
      { name: "huge.pdf", bytes: pdf(31 * MB) },
    );
    expect(reply.status).toBe(413);
    expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
    expect(reply.text).toMatch(
      /<div class="field invalid" data-field="file">[\s\S]*<li>File size must be under 10MB\. Your file is larger than 30\.00MB\.<\/li>/,
    );
    expect(reply.text).toContain('name="title" value="My huge report"');
    expect(reply.text).toContain('<option value="word" selected>');
    expect(await media()).toEqual(before);
    expect(await temp()).toEqual([]);
  });

  it("a form without a file and without a title: both beside their fields, the type kept", async () => {
    const reply = await upload({ title: " ", document_type: "word" });
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/data-field="title">[\s\S]*<li>This field is required\.<\/li>/);
    expect(reply.text).toMatch(/data-field="file">[\s\S]*<li>Choose a file to upload\.<\/li>/);
    expect(reply.text).toContain('<option value="word" selected>');
  });

  it("an .exe renamed .pdf, naming its real type", async () => {
    const reply = await upload(
      { title: "Invoice", document_type: "pdf" },
      { name: "invoice.pdf", bytes: exe() },
      true,
    );
    expect(reply.status).toBe(400);
    expect(reply.json.errors).toEqual({ file: [`File type .exe is not allowed. ${ALLOWED}`] });
  });

  it("an .exe by its name", async () => {
    const reply = await upload(
      { title: "Setup", document_type: "other" },
      { name: "setup.exe", bytes: exe() },
      true,
    );
    expect(reply.json.errors).toEqual({ file: [`File type .exe is not allowed. ${ALLOWED}`] });
  });

  it("HTML dressed as a text file", async () => {
    const reply = await upload(
      { title: "Readme", document_type: "other" },
      { name: "readme.txt", bytes: Buffer.from("<!doctype html><script>alert(1)</script>") },
      true,
    );
    expect(reply.json.errors).toEqual({ file: [`File type .html is not allowed. ${ALLOWED}`] });
  });

  it("a PNG named .pdf, saying what it is", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const reply = await upload(
      { title: "Scan", document_type: "pdf" },
      { name: "scan.pdf", bytes: png },
      true,
    );
    expect(reply.json.errors).toEqual({
      file: ["This file is a .png file named .pdf. Rename it or choose another file."],
    });
  });

  it("an empty file, a missing title, a missing file and an unknown type, each beside its field", async () => {
    const before = await media();
    const empty = await upload(
      { title: "", document_type: "pdf" },
      { name: "empty.pdf", bytes: Buffer.alloc(0) },
      true,
    );
    expect(empty.json.errors).toEqual({
      title: ["This field is required."],
      file: ["The submitted file is empty."],
    });
    const none = await upload({ title: "No file", document_type: "spreadsheet" }, undefined, true);
    expect(none.json.errors).toEqual({
      document_type: ["Select a valid choice. spreadsheet is not one of the available choices."],
      file: ["Choose a file to upload."],
    });
    expect(await media()).toEqual(before);
  });

  it("a file in a field the form does not have", async () => {
    const before = await media();
    const body = form(
      { title: "x", document_type: "pdf" },
      { attachment: { name: "a.pdf", bytes: pdf() } },
    );
    const reply = await alice.post("/documents/upload", body, { script: true });
    expect(reply.status).toBe(400);
    expect(reply.json.errors).toEqual({
      attachment: ['Unexpected file in field "attachment": this form takes files only in "file".'],
    });
    expect(await media()).toEqual(before);
    expect(await temp()).toEqual([]);
  });

  it("a file in a field the form does not have, in a form post: what was typed kept", async () => {
    const body = form(
      { title: "Kept", document_type: "pdf" },
      { attachment: { name: "a.pdf", bytes: pdf() } },
    );
    const reply = await alice.post("/documents/upload", body);
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('name="title" value="Kept"');
    expect(reply.text).toContain('<option value="pdf" selected>');
  });
});

describe("a script client", () => {
  beforeEach(removeAllDocuments);

  const isJson = (reply: { headers: Headers }) =>
    /^application\/json\b/.test(reply.headers.get("content-type") ?? "");
  const postWith = (headers: Record<string, string>, name: string, bytes: Uint8Array) =>
    alice.post(
      "/documents/upload",
      form({ title: `Sent as ${name}`, document_type: "other" }, { file: { name, bytes } }),
      { headers },
    );

  // The page's script sends both headers; each alone is enough.
  describe.each<{ header: string; headers: Record<string, string> }>([
    { header: "Accept: application/json", headers: { accept: "application/json" } },
    {
      header: "X-Requested-With: XMLHttpRequest",
      headers: { "x-requested-with": "XMLHttpRequest" },
    },
  ])("sending only $header", ({ headers }) => {
    it("gets JSON and the new record for an accepted upload", async () => {
      const reply = await postWith(headers, "notes.txt", Buffer.from("hello\n"));
      expect(reply.status).toBe(201);
      expect(isJson(reply)).toBe(true);
      expect(reply.json).toMatchObject({
        success: true,
        redirect: "/documents",
        document: { title: "Sent as notes.txt", original_name: "notes.txt", size: 6 },
      });
    });

    it("gets JSON errors by field for a refused upload", async () => {
      const reply = await postWith(headers, "setup.exe", exe());
      expect(reply.status).toBe(400);
      expect(isJson(reply)).toBe(true);
      expect(reply.json).toEqual({
        success: false,
        errors: { file: [`File type .exe is not allowed. ${ALLOWED}`] },
      });
    });
  });

  it.each<{ header: string; headers: Record<string, string>; json: boolean }>([
    {
      header: "X-Requested-With: xmlhttprequest",
      headers: { "x-requested-with": "xmlhttprequest" },
      json: true,
    },
    {
      header: "Accept: application/vnd.api+json",
      headers: { accept: "application/vnd.api+json" },
      json: true,
    },
    {
      header: "Accept: application/json, text/html",
      headers: { accept: "application/json, text/html" },
      json: false,
    },
    {
      header: "a browser's Accept",
      headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
      json: false,
    },
  ])(
    "sending $header gets the same kind of answer whether the upload is accepted or refused",
    async ({ headers, json }) => {
      const accepted = await postWith(headers, "notes.txt", Buffer.from("hello\n"));
      expect(accepted.status).toBe(json ? 201 : 303);
      expect(isJson(accepted)).toBe(json);
      const refused = await postWith(headers, "setup.exe", exe());
      expect(refused.status).toBe(400);
      expect(isJson(refused)).toBe(json);
    },
  );
});

describe("an upload cut off mid-body", () => {
  beforeEach(removeAllDocuments);

  const session = () => `gallery_session=${alice.cookie("gallery_session")}`;
  const records = async () =>
    (await running.gallery.db.selectFrom("documents").select("id").execute()).length;
  /** Media files but the single-use ticket claims, which outlive their uploads by design. */
  const stored = async () => (await media()).filter((name) => !name.startsWith("_pending/claims/"));

  it("in a form post leaves no temp file, no file in media storage and no record", async () => {
    const before = await media();
    await sendCutOff({
      url: new URL("/documents/upload", running.url).href,
      headers: { cookie: session() },
      body: form(
        { title: "Cut off", document_type: "pdf" },
        { file: { name: "cut.pdf", bytes: pdf(6 * MB) } },
      ),
      sendBytes: 4 * MB,
      // Past the memory threshold, the file is being written to a temp file.
      cutWhen: () => waitFor(async () => (await temp()).length > 0, "the upload's temp file"),
    });
    await waitFor(async () => (await temp()).length === 0, "the temp file to be removed");
    expect(await media()).toEqual(before);
    expect(await records()).toBe(0);
  });

  it("sent straight to storage leaves no partial file, and its ticket confirms nothing", async () => {
    const before = await stored();
    const size = 6 * MB;
    const prepared = await alice.request("/uploads/prepare", {
      method: "POST",
      body: JSON.stringify({ field: "file", filename: "cut.pdf", size }),
      script: true,
      headers: { "content-type": "application/json" },
    });
    expect(prepared.status).toBe(200);
    const { upload, ticket } = prepared.json;
    await sendCutOff({
      method: upload.method,
      url: new URL(upload.url, running.url).href,
      headers: upload.headers,
      body: pdf(size),
      sendBytes: 2 * MB,
      cutWhen: () =>
        waitFor(async () => (await stored()).length > before.length, "the partial file"),
    });
    await waitFor(
      async () => (await stored()).length === before.length,
      "the partial file to be removed",
    );
    expect(await stored()).toEqual(before);

    const confirmed = await alice.request("/documents/upload", {
      method: "POST",
      body: JSON.stringify({ ticket, title: "Cut off", document_type: "pdf" }),
      script: true,
      headers: { "content-type": "application/json" },
    });
    expect(confirmed.status).toBeGreaterThanOrEqual(400);
    expect(confirmed.json.success).toBe(false);
    expect(await records()).toBe(0);
    expect(await stored()).toEqual(before);
  });
});

describe("a failed database write after the file is saved", () => {
  it("leaves no file behind", async () => {
    await whileWritesFail(running.gallery.db, "documents", "INSERT", async () => {
      const before = await media();
      const reply = await upload(
        { title: "Lost", document_type: "pdf" },
        { name: "lost.pdf", bytes: pdf(3 * MB) },
      );
      expect(reply.status).toBe(500);
      expect(reply.text).toContain("Something went wrong");
      expect(await media()).toEqual(before);
      expect(await temp()).toEqual([]);
    });
  });
});

describe("document delete", () => {
  it("removes the record and the file; another user's document is not found", async () => {
    const reply = await upload(
      { title: "Old", document_type: "pdf" },
      { name: "old.pdf", bytes: pdf() },
      true,
    );
    const { id, file } = reply.json.document;
    expect(await media()).toContain(file);

    const bob = new Client(running.url);
    await bob.signIn("bob", "builder");
    expect((await bob.post(`/documents/${id}/delete`)).status).toBe(404);
    expect(await media()).toContain(file);

    const deleted = await alice.post(`/documents/${id}/delete`);
    expect(deleted.status).toBe(303);
    expect(await media()).not.toContain(file);
    expect((await alice.get("/documents")).text).not.toContain(`data-document-id="${id}"`);
  });
});
