import { Readable } from "node:stream";
import busboy from "busboy";
import fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseUpload } from "../../src/uploads/parse.js";
import { cutInto, makeTmpDir } from "./helpers.js";

/**
 * Our multipart parser against busboy, the well-kept one, on generated
 * bodies cut into generated chunks: the same fields, the same files (field,
 * name and bytes), in the same order. Where the two differ on purpose (we
 * refuse what busboy guesses at), the generator stays on the common ground;
 * those cases have their own tests (strict-parts.test.ts).
 */

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeAll(async () => {
  tmp = await makeTmpDir();
});
afterAll(async () => {
  await tmp.remove();
});

interface Parsed {
  fields: [string, string][];
  files: [field: string, filename: string, bytes: string][];
}

function withBusboy(contentType: string, chunks: Buffer[]): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    const parsed: Parsed = { fields: [], files: [] };
    const pending: Promise<void>[] = [];
    const parser = busboy({
      headers: { "content-type": contentType },
      defParamCharset: "utf8",
      preservePath: true,
      limits: { fieldSize: Number.POSITIVE_INFINITY },
    });
    parser.on("field", (name, value) => parsed.fields.push([name, value]));
    parser.on("file", (name, stream, info) => {
      const slot = parsed.files.push([name, info.filename ?? "", ""]) - 1;
      const parts: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => parts.push(chunk));
      pending.push(
        new Promise((done) =>
          stream.on("end", () => {
            parsed.files[slot][2] = Buffer.concat(parts).toString("hex");
            done();
          }),
        ),
      );
    });
    parser.on("error", reject);
    parser.on("close", () => Promise.all(pending).then(() => resolve(parsed), reject));
    for (const chunk of chunks) parser.write(chunk);
    parser.end();
  });
}

async function withStowage(contentType: string, chunks: Buffer[]): Promise<Parsed> {
  const result = await parseUpload(
    { headers: { "content-type": contentType }, body: Readable.from(chunks) },
    {
      tmpDir: tmp.dir,
      verifyType: false,
      memoryThreshold: 256,
      maxFieldSize: Number.POSITIVE_INFINITY,
      maxFileSize: Number.POSITIVE_INFINITY,
    },
  );
  try {
    const fields: [string, string][] = [];
    // Field order across names is not kept by the result; compare per name, in order.
    for (const [name, values] of Object.entries(result.fieldLists)) {
      for (const value of values) fields.push([name, value]);
    }
    const files: Parsed["files"] = [];
    for (const file of result.allFiles()) {
      files.push([file.field, file.clientName, (await file.bytes()).toString("hex")]);
    }
    return { fields: byName(fields), files };
  } finally {
    await result.cleanup();
  }
}

/** Fields sorted by name, each name's values in arrival order (our result keeps no order across names). */
function byName(fields: [string, string][]): [string, string][] {
  return [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function grouped(parsed: Parsed): Parsed {
  return { fields: byName(parsed.fields), files: parsed.files };
}

const BOUNDARY_CHARS = "0123456789abcdefABCDEF'()+_,-./:=?";
const boundary = fc
  .string({ unit: fc.constantFrom(...BOUNDARY_CHARS), minLength: 1, maxLength: 70 })
  .filter((value) => !value.endsWith(" "));

/** Names a browser could send: letters, digits, spaces, punctuation and non-ASCII (no quotes, no controls). */
const nameText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(..."abcXYZ019 -_.[]()!#$&+,:=@~"),
    fc.constantFrom("é", "ü", "ж", "报", "😀", "\u00a0"),
  ),
  minLength: 1,
  maxLength: 24,
});

/** Bytes that matter to a multipart parser (CR, LF, dashes, boundary pieces), and any byte. */
function content(boundaryText: string) {
  const pieces = [
    "\r",
    "\n",
    "\r\n",
    "-",
    "--",
    `--${boundaryText}`,
    `\r\n--${boundaryText.slice(0, -1)}`,
    `\r\n-${boundaryText}`,
    boundaryText,
  ];
  return fc
    .array(
      fc.oneof(
        fc.constantFrom(...pieces).map((text) => Buffer.from(text, "latin1")),
        fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
        fc.string({ unit: "grapheme", maxLength: 20 }).map((text) => Buffer.from(text)),
      ),
      { maxLength: 12 },
    )
    .map((parts) => Buffer.concat(parts));
}

const spacing = fc.constantFrom("", " ", "  ", "\t");
const headerName = fc.constantFrom(
  "Content-Disposition",
  "content-disposition",
  "CONTENT-DISPOSITION",
);

function part(boundaryText: string) {
  return fc.record({
    kind: fc.constantFrom("field", "file"),
    name: nameText,
    // No ":" (a drive letter, "C:x") and no slashes: we refuse path-like names by design.
    filename: nameText.filter(
      (text) => !text.includes(":") && text.trim() !== "." && text.trim() !== "..",
    ),
    text: fc.string({ unit: "grapheme", maxLength: 30 }),
    bytes: content(boundaryText),
    headerName,
    before: spacing,
    after: spacing,
    quotedName: fc.boolean(),
    charset: fc.constantFrom(undefined, "utf-8", "UTF-8", "iso-8859-1"),
    extraHeader: fc.boolean(),
  });
}

type Part = ReturnType<typeof part> extends fc.Arbitrary<infer T> ? T : never;

/** Token characters only may go unquoted. */
const isToken = (text: string) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(text);

/** Content may hold anything but its delimiter, CRLF "--" boundary: break each one up. */
function withoutDelimiter(bytes: Buffer, boundaryText: string): Buffer {
  const delimiter = Buffer.from(`\r\n--${boundaryText}`, "latin1");
  let out = bytes;
  for (let at = out.indexOf(delimiter); at !== -1; at = out.indexOf(delimiter)) {
    out = Buffer.concat([out.subarray(0, at + 3), Buffer.from("x"), out.subarray(at + 3)]);
  }
  return out;
}

function serialize(
  boundaryText: string,
  parts: Part[],
  preamble: string,
  epilogue: string,
  padding: string,
): Buffer {
  const out: Buffer[] = [];
  if (preamble) out.push(Buffer.from(`${preamble}\r\n`));
  for (const each of parts) {
    const name = each.quotedName || !isToken(each.name) ? `"${each.name}"` : each.name;
    let head = `--${boundaryText}${padding}\r\n${each.headerName}:${each.before}form-data;${each.after}name=${name}`;
    if (each.kind === "file") {
      head += `; filename="${each.filename}"\r\nContent-Type: application/octet-stream`;
    } else if (each.charset) {
      head += `\r\nContent-Type: text/plain; charset=${each.charset}`;
    }
    if (each.extraHeader) head += "\r\nX-Note: ignored";
    out.push(Buffer.from(`${head}\r\n\r\n`));
    if (each.kind === "file") {
      // A body starting with "--boundary" is content (its delimiter needs a CRLF of its own);
      // busboy reads the header block's last CRLF as that delimiter's and fails the form.
      const clash =
        each.bytes.subarray(0, boundaryText.length + 2).toString("latin1") === `--${boundaryText}`;
      const bytes = withoutDelimiter(each.bytes, boundaryText);
      out.push(clash ? Buffer.concat([Buffer.from("x"), bytes]) : bytes);
    } else {
      const latin1 = each.charset?.toLowerCase() === "iso-8859-1";
      // A latin-1 field can only hold latin-1 text.
      const text = latin1 ? each.text.replace(/[^\u0000-\u00ff]/g, "?") : each.text;
      out.push(withoutDelimiter(Buffer.from(text, latin1 ? "latin1" : "utf8"), boundaryText));
    }
    out.push(Buffer.from("\r\n"));
  }
  out.push(Buffer.from(`--${boundaryText}--${epilogue}`));
  return Buffer.concat(out);
}

const body = boundary.chain((boundaryText) =>
  fc.record({
    boundaryText: fc.constant(boundaryText),
    parts: fc.array(part(boundaryText), { minLength: 1, maxLength: 6 }),
    preamble: fc.constantFrom("", "This is a preamble.", "--not-the-boundary"),
    epilogue: fc.constantFrom("", "\r\n", "\r\nepilogue bytes\r\n"),
    // RFC 2046 allows spaces after a boundary; busboy drops the whole body then (we accept it).
    padding: fc.constant(""),
    sizes: fc.array(fc.integer({ min: 1, max: 97 }), { maxLength: 6 }),
  }),
);

test("generated bodies in generated chunks: the same fields, file names and bytes as busboy", async () => {
  await fc.assert(
    fc.asyncProperty(body, async (input) => {
      const bytes = serialize(
        input.boundaryText,
        input.parts,
        input.preamble,
        input.epilogue,
        input.padding,
      );
      const contentType = `multipart/form-data; boundary="${input.boundaryText}"`;
      const chunks = cutInto(bytes, input.sizes);
      const theirs = grouped(await withBusboy(contentType, chunks));
      const ours = await withStowage(contentType, chunks);
      expect(ours).toEqual(theirs);
      expect(await tmp.files()).toEqual([]);
    }),
    { numRuns: 1000, seed: 97_2026 },
  );
}, 120_000);
