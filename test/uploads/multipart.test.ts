import { describe, expect, test, vi } from "vitest";
import { multipartBody } from "../../src/testing/multipart.js";
import { UploadError } from "../../src/uploads/errors.js";
import { isValidBoundary, MultipartParser } from "../../src/uploads/multipart.js";
import { parseParameters, parsePartHeaders } from "../../src/uploads/part-headers.js";
import { asBuffer } from "./helpers.js";

interface Collected {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  data: string;
}

function parse(bytes: Uint8Array, boundary: string, splits: number[] = []): Collected[] {
  const body = asBuffer(bytes);
  const parts: Collected[] = [];
  const parser = new MultipartParser(
    boundary,
    { maxHeaderSize: 8192, maxFieldNameSize: 200 },
    {
      onPart: (info) => parts.push({ ...info, data: "" }),
      onData: (chunk) => {
        parts[parts.length - 1].data += chunk.toString("latin1");
      },
      onPartEnd: () => undefined,
    },
  );
  let start = 0;
  for (const split of [...splits, body.length]) {
    parser.write(body.subarray(start, split));
    start = split;
  }
  parser.end();
  return parts;
}

const sample = multipartBody(
  [
    { name: "title", value: "Hello\r\n--almost a boundary" },
    { name: "doc", filename: "a.txt", content: "line1\r\nline2\r\n", contentType: "text/plain" },
    { name: "empty", value: "" },
  ],
  "XyZ",
);

describe("MultipartParser", () => {
  test("reads fields and files whatever the chunk boundaries", () => {
    const expected = parse(sample.body, "XyZ");
    expect(expected).toEqual([
      {
        name: "title",
        filename: undefined,
        contentType: undefined,
        data: "Hello\r\n--almost a boundary",
      },
      { name: "doc", filename: "a.txt", contentType: "text/plain", data: "line1\r\nline2\r\n" },
      { name: "empty", filename: undefined, contentType: undefined, data: "" },
    ]);
    for (let split = 1; split < sample.body.length; split += 1) {
      expect(parse(sample.body, "XyZ", [split])).toEqual(expected);
    }
    const bytewise = Array.from({ length: sample.body.length - 1 }, (_, index) => index + 1);
    expect(parse(sample.body, "XyZ", bytewise)).toEqual(expected);
  });

  test("never copies a whole chunk when one ends in what may begin a delimiter", () => {
    const boundary = "----formBoundary7MA4YWxkTrZu0gW";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n`,
    );
    // 1 MiB chunks, each ending in a partial delimiter (then not one): the worst case for a carry.
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    Buffer.from(`\r\n--${boundary.slice(0, 10)}`).copy(chunk, chunk.length - 12);
    const chunks = [head, chunk, chunk, chunk, Buffer.from(`\r\n--${boundary}--\r\n`)];
    const concat = vi.spyOn(Buffer, "concat");
    let received = 0;
    const parser = new MultipartParser(
      boundary,
      { maxHeaderSize: 8192, maxFieldNameSize: 200 },
      {
        onPart: () => undefined,
        onData: (data) => {
          received += data.length;
        },
        onPartEnd: () => undefined,
      },
    );
    try {
      for (const each of chunks) parser.write(each);
      parser.end();
      const largest = Math.max(
        ...concat.mock.calls.map(([list]) => list.reduce((sum, b) => sum + b.length, 0)),
      );
      expect(largest).toBeLessThanOrEqual(2 * (boundary.length + 4) + head.length);
    } finally {
      concat.mockRestore();
    }
    expect(received).toBe(3 * chunk.length);
  });

  test("accepts a preamble, transport padding and an epilogue", () => {
    const body = Buffer.from(
      'preamble text\r\n--b  \r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\nepilogue',
    );
    expect(parse(body, "b")).toEqual([
      { name: "a", filename: undefined, contentType: undefined, data: "1" },
    ]);
  });

  const malformed: [string, string, RegExp][] = [
    ["no boundary in the body", "just some bytes", /does not contain the boundary/],
    ["cut off mid-part", '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nabc', /cut off/],
    ["cut off in headers", "--b\r\nContent-Disposition: form-da", /cut off/],
    [
      "no closing delimiter",
      '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nabc\r\n--b',
      /cut off/,
    ],
    [
      "garbage after a boundary",
      '--bX\r\nContent-Disposition: form-data; name="a"\r\n\r\n\r\n--b--',
      /unexpected bytes/,
    ],
    [
      "header line without colon",
      "--b\r\nnonsense\r\n\r\nx\r\n--b--",
      /header line without a name/,
    ],
    [
      "part without disposition",
      "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",
      /Content-Disposition/,
    ],
    ["part with no headers", "--b\r\n\r\nx\r\n--b--", /Content-Disposition/],
    [
      "empty field name",
      '--b\r\nContent-Disposition: form-data; name=""\r\n\r\nx\r\n--b--',
      /empty field name/,
    ],
    [
      "__proto__ field",
      '--b\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--b--',
      /reserved/,
    ],
    [
      "constructor field",
      '--b\r\nContent-Disposition: form-data; name="constructor"\r\n\r\nx\r\n--b--',
      /reserved/,
    ],
    [
      "base64 transfer encoding",
      '--b\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Transfer-Encoding: base64\r\n\r\nYWJj=\r\n--b--',
      /Content-Transfer-Encoding: base64, which is not supported/,
    ],
  ];
  test.each(malformed)("refuses a body with %s (400 E_MALFORMED)", (_label, body, message) => {
    const error = (() => {
      try {
        parse(Buffer.from(body), "b");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({ code: "E_MALFORMED", status: 400 });
    expect((error as Error).message).toMatch(message);
  });

  test("refuses part headers past maxHeaderSize with 413 E_LIMIT_HEADER_SIZE", () => {
    const body = Buffer.from(
      `--b\r\nContent-Disposition: form-data; name="a"\r\nX-Pad: ${"p".repeat(9000)}\r\n\r\nx\r\n--b--`,
    );
    expect(() => parse(body, "b")).toThrow(
      expect.objectContaining({ code: "E_LIMIT_HEADER_SIZE", status: 413 }),
    );
  });
});

describe("part headers", () => {
  test.each([
    ['form-data; name="a"; filename="x.txt"', "form-data", { name: "a", filename: "x.txt" }],
    ['form-data; name="a\\"b"', "form-data", { name: 'a"b' }],
    [
      'form-data; filename="C:\\dir\\x.txt"; name=a',
      "form-data",
      { filename: "C:\\dir\\x.txt", name: "a" },
    ],
    ["Form-Data ; NAME=plain", "form-data", { name: "plain" }],
  ])("parses %s", (header, type, params) => {
    const parsed = parseParameters(header);
    expect(parsed.type).toBe(type);
    expect(Object.fromEntries(parsed.params)).toEqual(params);
  });

  test("reports a duplicated parameter", () => {
    expect(parseParameters("multipart/form-data; boundary=a; boundary=b").duplicates).toEqual(
      new Set(["boundary"]),
    );
  });

  test("prefers an RFC 5987 filename* and decodes UTF-8 names", () => {
    const raw = Buffer.from(
      `Content-Disposition: form-data; name="f"; filename="fallback.txt"; filename*=UTF-8''na%C3%AFve.txt`,
    );
    expect(parsePartHeaders(raw, 200).filename).toBe("naïve.txt");
    const utf8 = Buffer.from('Content-Disposition: form-data; name="f"; filename="Zoë.png"');
    expect(parsePartHeaders(utf8, 200).filename).toBe("Zoë.png");
  });

  test("refuses a field name longer than maxFieldNameSize with E_LIMIT_FIELD_NAME_SIZE", () => {
    const raw = Buffer.from(`Content-Disposition: form-data; name="${"n".repeat(201)}"`);
    expect(() => parsePartHeaders(raw, 200)).toThrow(
      expect.objectContaining({ code: "E_LIMIT_FIELD_NAME_SIZE", status: 413 }),
    );
  });
});

describe("boundaries", () => {
  test.each([
    ["simple", true],
    ["----WebKitFormBoundary7MA4YWxkTrZu0gW", true],
    ["a".repeat(70), true],
    ["a".repeat(71), false],
    ["b".repeat(252), false],
    ["ends with space ", false],
    ["", false],
    ["semi;colon", false],
  ])("%s is valid: %s", (boundary, valid) => {
    expect(isValidBoundary(boundary)).toBe(valid);
  });
});
