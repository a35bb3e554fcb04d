import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import type { UploadOptions } from "../../src/uploads/options.js";
import { parseUpload } from "../../src/uploads/parse.js";
import { detectContentType } from "../../src/uploads/sniff.js";
import { extensions, maxSize } from "../../src/uploads/validators.js";
import { makeTmpDir, parseError, streamOf } from "./helpers.js";
import { OFFICE_FILES } from "./office-files.js";

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeEach(async () => {
  tmp = await makeTmpDir();
});
afterEach(async () => {
  await tmp.remove();
});

/** A one-file form; `memoryThreshold: 0` puts the file on disk, so leftovers would show. */
function oneFile(filename: string, content: Buffer | string) {
  return new MultipartBuilder().file("doc", filename, content).build();
}

async function refusal(filename: string, content: Buffer | string, options: UploadOptions = {}) {
  const form = oneFile(filename, content);
  const error = await parseError(form.headers, form.body, {
    tmpDir: tmp.dir,
    memoryThreshold: 0,
    ...options,
  });
  expect(await tmp.files()).toEqual([]);
  return error as Awaited<ReturnType<typeof parseError>> & {
    rule: string;
    errors: Record<string, string[]>;
  };
}

async function accepted(filename: string, content: Buffer | string, options: UploadOptions = {}) {
  const form = oneFile(filename, content);
  const result = await parseUpload(
    { headers: form.headers, body: streamOf(form.body) },
    { tmpDir: tmp.dir, ...options },
  );
  const file = result.file("doc")!;
  await result.cleanup();
  return file;
}

/** A Windows program's first bytes: the MZ header and the PE signature it points to. */
const EXE = Buffer.concat([
  Buffer.from("MZ"),
  Buffer.alloc(58),
  Buffer.from([0x80, 0, 0, 0]),
  Buffer.alloc(64),
  Buffer.from("PE\0\0"),
  Buffer.alloc(200),
]);

describe("the message a person can act on comes first", () => {
  test("an empty .pdf is refused as empty, not as a type mismatch", async () => {
    const error = await refusal("report.pdf", "");
    expect(error).toMatchObject({ code: "E_VALIDATION", status: 400, field: "doc", rule: "empty" });
    expect(error.errors).toEqual({ doc: ["The file is empty."] });
  });

  test("a program renamed .txt says its file type is not allowed, MIME name last", async () => {
    const error = await refusal("setup.txt", EXE);
    expect(error).toMatchObject({ code: "E_VALIDATION", rule: "realType" });
    expect(error.message).toBe(
      'File type .exe is not allowed as a .txt file: "setup.txt" contains a .exe file (application/x-msdownload). Upload it with its real extension, or the right file.',
    );
  });

  test("an extension the field does not take is reported before what the bytes are", async () => {
    const error = await refusal("setup.exe.txt", EXE, {
      validators: { doc: [extensions(["pdf", "docx"])] },
    });
    expect(error).toMatchObject({ rule: "extension" });
    expect(error.errors.doc).toEqual([
      'File extension "txt" is not allowed. Allowed extensions are: pdf, docx.',
    ]);
  });

  test("a file too large for its field is reported before what the bytes are", async () => {
    const error = await refusal("setup.txt", EXE, { validators: { doc: [maxSize(100)] } });
    expect(error).toMatchObject({ rule: "maxSize", status: 413 });
    expect(error.errors.doc).toEqual([
      expect.stringMatching(/^File size must be under 100 bytes\. Your file is /),
    ]);
  });

  test("bytes that are no known format under a sniffable extension say so plainly", async () => {
    const error = await refusal("photo.jpg", Buffer.from([1, 2, 3, 4, 5, 250, 251, 252]));
    expect(error.errors.doc).toEqual([
      '"photo.jpg" is not a .jpg file: its content is not a format we recognise.',
    ]);
  });
});

describe("Office 97-2003 files (OLE compound files)", () => {
  test.each(OFFICE_FILES)("a real .%s is accepted as application/x-cfb", async (ext, bytes) => {
    const file = await accepted(`minutes.${ext}`, bytes(), { memoryThreshold: 0 });
    expect(file.detectedType).toBe("application/x-cfb");
    expect(file.extension).toBe(ext);
    expect(await tmp.files()).toEqual([]);
  });

  test("a compound file is still refused under a name it cannot be", async () => {
    const [, doc] = OFFICE_FILES[0];
    const error = await refusal("minutes.pdf", doc());
    expect(error.message).toMatch(/^File type \.cfb is not allowed as a \.pdf file/);
  });

  test("an RTF file saved as .doc (as Word does) is accepted", async () => {
    const file = await accepted("letter.doc", "{\\rtf1\\ansi Hello}");
    expect(file.detectedType).toBe("application/rtf");
  });
});

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>';

/** [label, bytes]: SVG hidden behind what a browser skips before the first element. */
const SVG_DISGUISES: [string, string | Buffer][] = [
  ["a processing instruction", `<?foo?>${SVG}`],
  [
    "an XML declaration and a stylesheet PI",
    `<?xml version="1.0"?><?xml-stylesheet href="a"?>${SVG}`,
  ],
  [
    "a DOCTYPE with an internal subset",
    `<!DOCTYPE svg [ <!ENTITY a "<svg>"> <!ATTLIST svg x CDATA "]>"> ]>${SVG}`,
  ],
  ["5,000 spaces", `${" ".repeat(5000)}${SVG}`],
  ["50,000 newlines", `${"\n".repeat(50_000)}${SVG}`],
  ["a UTF-8 byte order mark", `\uFEFF${SVG}`],
  ["a comment", `<!-- logo --><!-- more -->${SVG}`],
  ["a comment holding a fake element", `<!-- <p>hi</p> -->${SVG}`],
  ["a prefixed root element", '<s:svg xmlns:s="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
  ["upper-case tag", '<SVG xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
  [
    "UTF-16 with a byte order mark",
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SVG, "utf16le")]),
  ],
  [
    "everything at once",
    `\uFEFF  <?xml version="1.0"?>\n<!-- a -->\n<?foo bar?>\n<!DOCTYPE svg [<!ENTITY x "y">]>\n${" ".repeat(3000)}${SVG}`,
  ],
];

/** [label, bytes]: HTML as a browser would sniff it. */
const HTML_DISGUISES: [string, string][] = [
  ["leading whitespace", `\n\t  <html><script>alert(1)</script>`],
  ["a comment first", "<!-- hi --><script>alert(1)</script>"],
  [
    "an XHTML root after an XML declaration",
    '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
  ],
  ["a DOCTYPE", "<!DOCTYPE html><p>hi"],
  ["an iframe", "<iframe src=javascript:alert(1)>"],
];

describe("SVG and HTML are found the way a browser finds them", () => {
  test.each(SVG_DISGUISES)("SVG behind %s is detected as SVG", async (_label, content) => {
    const bytes = Buffer.from(content);
    expect(await detectContentType(bytes)).toBe("image/svg+xml");
  });

  test.each(SVG_DISGUISES)(
    "SVG behind %s is refused as .svg, .txt and .xml, and leaves nothing behind",
    async (_label, content) => {
      for (const name of ["logo.svg", "notes.txt", "feed.xml"]) {
        const error = await refusal(name, Buffer.from(content));
        expect(error).toMatchObject({ code: "E_VALIDATION", status: 400, field: "doc" });
        expect(error.errors.doc[0]).toMatch(/SVG files are not accepted here|File type \.svg/);
      }
    },
  );

  test.each(HTML_DISGUISES)("HTML behind %s is refused under .txt", async (_label, content) => {
    expect(await detectContentType(Buffer.from(content))).toBe("text/html");
    const error = await refusal("notes.txt", content);
    expect(error.message).toMatch(/^File type \.html is not allowed as a \.txt file/);
  });

  test("a .svg file is refused whatever its bytes, unless SVG is allowed", async () => {
    const error = await refusal("logo.svg", "just some text");
    expect(error).toMatchObject({ rule: "svg" });
    const file = await accepted("logo.svg", `<?foo?>${SVG}`, { allowSvg: true });
    expect(file.detectedType).toBe("image/svg+xml");
  });

  test("markup whose first element lies past the bytes read counts as HTML", async () => {
    const endless = `<!-- ${"x".repeat(70 * 1024)} -->${SVG}`;
    expect(await detectContentType(Buffer.from(endless))).toBe("text/html");
    await refusal("feed.xml", endless);
  });

  test.each([
    ["plain text", "name,age\nada,36\n", "text/plain"],
    ["text mentioning <svg> later", "Use the <svg> element for icons.", "text/plain"],
    ["an XML feed", '<?xml version="1.0"?><rss version="2.0"></rss>', "application/xml"],
    ["an unknown tag", "<note>hello</note>", "text/plain"],
  ])("%s is not mistaken for active markup", async (_label, content, expected) => {
    expect(await detectContentType(Buffer.from(content))).toBe(expected);
  });
});
