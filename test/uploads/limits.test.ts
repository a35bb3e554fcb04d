import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { MultipartBuilder, multipartBody, urlencodedBody } from "../../src/testing/multipart.js";
import { MalformedUploadError } from "../../src/uploads/errors.js";
import { KB, MB } from "../../src/uploads/format.js";
import { parseUpload } from "../../src/uploads/parse.js";
import { makeTmpDir, parseError, streamOf } from "./helpers.js";

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeEach(async () => {
  tmp = await makeTmpDir();
});
afterEach(async () => {
  await tmp.remove();
});

const many = (count: number, make: (index: number) => { name: string; value: string }) =>
  Array.from({ length: count }, (_, index) => make(index));

describe("limits", () => {
  const cases: {
    label: string;
    form: () => ReturnType<typeof multipartBody>;
    options?: Record<string, number>;
    code: string;
    status: number;
    message: RegExp;
  }[] = [
    {
      label: "a file over maxFileSize (spilled to disk first)",
      form: () => new MultipartBuilder().file("doc", "big.bin", Buffer.alloc(11 * MB, 7)).build(),
      options: { memoryThreshold: 1 * MB },
      code: "E_LIMIT_FILE_SIZE",
      status: 413,
      message:
        /^File size \(field "doc"\) must be under 10 MB\. Your file is at least 10\.\d\d MB\.$/,
    },
    {
      label: "a body over maxTotalSize",
      form: () =>
        new MultipartBuilder()
          .file("a", "a.bin", Buffer.alloc(600 * KB, 1))
          .file("b", "b.bin", Buffer.alloc(600 * KB, 2))
          .build(),
      options: { maxTotalSize: 1 * MB, memoryThreshold: 100 * KB },
      code: "E_LIMIT_TOTAL_SIZE",
      status: 413,
      message: /^The whole upload must be under 1 MB\. It is 1\.\d\d MB\.$/,
    },
    {
      label: "101 files",
      form: () =>
        multipartBody(
          Array.from({ length: 101 }, (_, index) => ({
            name: "f",
            filename: `${index}.txt`,
            content: "x",
            contentType: "text/plain",
          })),
        ),
      code: "E_LIMIT_FILES",
      status: 400,
      message: /Too many files: send at most 100 files/,
    },
    {
      label: "1001 fields",
      form: () => multipartBody(many(1001, (index) => ({ name: `f${index}`, value: "v" }))),
      code: "E_LIMIT_FIELDS",
      status: 400,
      message: /Too many form fields: send at most 1000 form fields/,
    },
    {
      label: "more parts than maxParts",
      form: () =>
        multipartBody([
          ...many(5, (index) => ({ name: `f${index}`, value: "v" })),
          ...Array.from({ length: 5 }, () => ({ name: "x", filename: "", content: "" })),
        ]),
      options: { maxParts: 8 },
      code: "E_LIMIT_PARTS",
      status: 400,
      message: /Too many form parts: send at most 8/,
    },
    {
      label: "a field value over maxFieldSize",
      form: () => multipartBody([{ name: "bio", value: "x".repeat(1 * MB + 1) }]),
      code: "E_LIMIT_FIELD_SIZE",
      status: 413,
      message: /field "bio"\) must be under 1 MB/,
    },
    {
      label: "a field name over maxFieldNameSize",
      form: () => multipartBody([{ name: "n".repeat(300), value: "v" }]),
      code: "E_LIMIT_FIELD_NAME_SIZE",
      status: 413,
      message: /name must be under 200 bytes/,
    },
    {
      label: "an 8 KB file name (headers over maxHeaderSize)",
      form: () =>
        new MultipartBuilder()
          .file("f", `${"a".repeat(8 * KB)}.txt`, "hello", "text/plain")
          .build(),
      code: "E_LIMIT_HEADER_SIZE",
      status: 413,
      message: /headers must be under 8 KB/,
    },
  ];

  test.each(cases)(
    "refuses $label with $status $code and leaves no temp file",
    async ({ form, options, code, status, message }) => {
      const built = form();
      const error = await parseError(built.headers, built.body, { tmpDir: tmp.dir, ...options });
      expect(error).toMatchObject({ code, status });
      expect(error.message).toMatch(message);
      expect(await tmp.files()).toEqual([]);
    },
  );

  test("says the exact size when Content-Length already shows the body is too large", async () => {
    const built = new MultipartBuilder().file("f", "a.bin", Buffer.alloc(2 * MB)).build();
    const error = await parseError(built.headers, built.body, {
      maxTotalSize: 1 * MB,
      tmpDir: tmp.dir,
    });
    expect(error.code).toBe("E_LIMIT_TOTAL_SIZE");
    expect(error.message).toMatch(/^The whole upload must be under 1 MB\. It is 2\.00 MB\.$/);
  });

  test("a body longer than its Content-Length is refused as malformed, nothing kept", async () => {
    const built = new MultipartBuilder().file("f", "a.bin", Buffer.alloc(8 * KB, 5)).build();
    const headers = { ...built.headers, "content-length": String(built.body.length - 100) };
    const error = await parseError(headers, built.body, {
      memoryThreshold: 1 * KB,
      tmpDir: tmp.dir,
    });
    expect(error).toBeInstanceOf(MalformedUploadError);
    expect(error).toMatchObject({ code: "E_MALFORMED", status: 400 });
    expect(error.message).toBe(
      `The body is longer than its Content-Length header says (${built.body.length - 100} bytes).`,
    );
    expect(await tmp.files()).toEqual([]);
  });

  test("a file exactly at maxFileSize is accepted", async () => {
    const built = new MultipartBuilder().file("f", "a.bin", Buffer.alloc(1000, 3)).build();
    const result = await parseUpload(
      { headers: built.headers, body: streamOf(built.body, 7) },
      { maxFileSize: 1000, tmpDir: tmp.dir },
    );
    expect(result.file("f")?.size).toBe(1000);
  });

  test("10,000 empty parts stop at the parts limit", async () => {
    const body = multipartBody(many(10_000, () => ({ name: "e", value: "" })));
    const error = await parseError(body.headers, body.body, { tmpDir: tmp.dir });
    expect(["E_LIMIT_FIELDS", "E_LIMIT_PARTS"]).toContain(error.code);
    expect(error.status).toBe(400);
  });

  test("urlencoded bodies obey the field limits", async () => {
    const tooMany = urlencodedBody(
      many(1001, (index) => ({ name: `k${index}`, value: "v" })).map((f): [string, string] => [
        f.name,
        f.value,
      ]),
    );
    expect(await parseError(tooMany.headers, tooMany.body, { tmpDir: tmp.dir })).toMatchObject({
      code: "E_LIMIT_FIELDS",
      status: 400,
    });
    const tooLong = urlencodedBody({ bio: "é".repeat(600 * KB) });
    expect(await parseError(tooLong.headers, tooLong.body, { tmpDir: tmp.dir })).toMatchObject({
      code: "E_LIMIT_FIELD_SIZE",
      status: 413,
    });
    const proto = {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: Buffer.from("__proto__=x"),
    };
    expect(await parseError(proto.headers, proto.body, { tmpDir: tmp.dir })).toMatchObject({
      code: "E_MALFORMED",
    });
  });

  test("invalid option values are refused with a message naming the key", () => {
    expect(() => parseUpload({ headers: {}, body: null }, { maxFiles: -1 })).toThrow(
      /Upload option "maxFiles" must be a number/,
    );
  });
});

describe("parsing", () => {
  test("keeps small files in memory and spills large ones to an exclusive temp file", async () => {
    const built = new MultipartBuilder()
      .field("title", "Zoë")
      .field("tag", "a")
      .field("tag", "b")
      .file("small", "s.txt", "tiny text", "text/plain")
      .file("large", "l.bin", Buffer.alloc(300 * KB, 9))
      .build();
    const result = await parseUpload(
      { headers: built.headers, body: streamOf(built.body, 1000) },
      { memoryThreshold: 100 * KB, tmpDir: tmp.dir },
    );
    expect(result.fields.title).toBe("Zoë");
    expect(result.fields.tag).toBe("b");
    expect(result.fieldLists.tag).toEqual(["a", "b"]);
    expect(Object.getPrototypeOf(result.fields)).toBeNull();
    const small = result.file("small")!;
    const large = result.file("large")!;
    expect(small.inMemory).toBe(true);
    expect(small.detectedType).toBe("text/plain");
    expect(large.inMemory).toBe(false);
    expect(await tmp.files()).toEqual([large.path!.split("/").pop()]);
    expect((await large.bytes()).equals(Buffer.alloc(300 * KB, 9))).toBe(true);
    await result.cleanup();
    expect(await tmp.files()).toEqual([]);
  });

  test("computes the sha256 of the bytes while streaming", async () => {
    const { createHash } = await import("node:crypto");
    const content = Buffer.from(Array.from({ length: 200_000 }, (_, index) => index % 251));
    const built = new MultipartBuilder().file("f", "a.bin", content).build();
    const result = await parseUpload(
      { headers: built.headers, body: streamOf(built.body, 4093) },
      { memoryThreshold: 50 * KB, tmpDir: tmp.dir },
    );
    expect(result.file("f")!.sha256).toBe(createHash("sha256").update(content).digest("hex"));
    await result.cleanup();
  });

  test("skips an empty file input as browsers send it", async () => {
    const built = multipartBody([
      { name: "f", filename: "", content: "" },
      { name: "a", value: "1" },
    ]);
    const result = await parseUpload(
      { headers: built.headers, body: streamOf(built.body) },
      { tmpDir: tmp.dir },
    );
    expect(result.allFiles()).toEqual([]);
    expect(result.fields.a).toBe("1");
  });

  test("parses a fetch Request body", async () => {
    const built = new MultipartBuilder()
      .field("a", "1")
      .file("f", "x.txt", "hey", "text/plain")
      .build();
    const request = new Request("http://localhost/", {
      method: "POST",
      headers: built.headers,
      body: built.body,
    });
    const result = await parseUpload(request, { tmpDir: tmp.dir });
    expect(result.fields.a).toBe("1");
    expect(await result.file("f")!.bytes()).toEqual(Buffer.from("hey"));
  });

  test("parses a Node stream of plain Uint8Array chunks (Readable.from, Readable.fromWeb)", async () => {
    const built = new MultipartBuilder()
      .field("a", "1")
      .file("f", "x.txt", "hey", "text/plain")
      .build();
    const halves = [built.body.slice(0, 60), built.body.slice(60)];
    for (const body of [
      Readable.from(halves),
      Readable.fromWeb(new Blob(halves).stream() as never),
    ]) {
      const result = await parseUpload({ headers: built.headers, body }, { tmpDir: tmp.dir });
      expect(result.fields.a).toBe("1");
      expect(await result.file("f")!.bytes()).toEqual(Buffer.from("hey"));
      await result.cleanup();
    }
  });

  test.each([
    ["text/plain", 415, "E_CONTENT_TYPE"],
    ["multipart/form-data", 400, "E_MALFORMED"],
    ["multipart/form-data; boundary=a; boundary=b", 400, "E_MALFORMED"],
    [`multipart/form-data; boundary=${"b".repeat(252)}`, 400, "E_MALFORMED"],
  ])("refuses Content-Type %s", async (contentType, status, code) => {
    const error = await parseError({ "content-type": contentType }, Buffer.from("x"), {
      tmpDir: tmp.dir,
    });
    expect(error).toMatchObject({ status, code });
  });
});
