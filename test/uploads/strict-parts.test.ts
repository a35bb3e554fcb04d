import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type TemporaryMedia, temporaryMedia } from "../../src/testing/media.js";
import { requestHead, sendRaw, startUploadServer } from "./http-server.js";

let media: TemporaryMedia;
let server: Awaited<ReturnType<typeof startUploadServer>>;

beforeAll(async () => {
  media = await temporaryMedia();
  server = await startUploadServer(media.storage, { tmpDir: media.tmpDir, memoryThreshold: 1024 });
});
afterAll(async () => {
  await server.close();
  await media.cleanup();
});

const B = "strictBoundary";
const CT = `multipart/form-data; boundary=${B}`;
const part = (headers: string, content: string) =>
  Buffer.from(`--${B}\r\n${headers}\r\n\r\n${content}\r\n`);
const close = Buffer.from(`--${B}--\r\n`);
/** A first file large enough to be on disk when the bad part arrives. */
const onDisk = part(
  'Content-Disposition: form-data; name="first"; filename="first.txt"\r\nContent-Type: text/plain',
  "f".repeat(4096),
);

async function storedNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of media.storage.list()) names.push(entry.name);
  return names;
}

/** [label, part headers, the message's start] */
const AMBIGUOUS: [string, string, RegExp][] = [
  [
    "two Content-Disposition headers",
    'Content-Disposition: form-data; name="a"\r\nContent-Disposition: form-data; name="b"; filename="x.txt"',
    /^A form part has two content-disposition headers; which one counts would be a guess/,
  ],
  [
    "two Content-Type headers",
    'Content-Disposition: form-data; name="a"; filename="x.txt"\r\nContent-Type: text/plain\r\nContent-Type: text/html',
    /^A form part has two content-type headers/,
  ],
  [
    "name given twice",
    'Content-Disposition: form-data; name="a"; name="b"',
    /^A form part's Content-Disposition gives name more than once/,
  ],
  [
    "filename given twice",
    'Content-Disposition: form-data; name="a"; filename="x.txt"; filename="x.html"',
    /^A form part's Content-Disposition gives filename more than once/,
  ],
  [
    "a NUL in the field name",
    'Content-Disposition: form-data; name="a\u0000b"',
    /^The field name "a\\x00b" holds control characters/,
  ],
  [
    "an ESC in the field name",
    'Content-Disposition: form-data; name="a\u001b[31mb"',
    /^The field name "a\\x1b\[31mb" holds control characters/,
  ],
  [
    "filename* in a charset nobody must know, without filename",
    "Content-Disposition: form-data; name=\"doc\"; filename*=KOI8-R''%F0%D2%C9%D7%C5%D4.txt",
    /^The file name of "doc" is sent as filename\*=KOI8-R''.*, in charset KOI8-R; send it as filename="\.\.\." in UTF-8/,
  ],
  [
    "filename* that is not valid UTF-8",
    "Content-Disposition: form-data; name=\"doc\"; filename*=UTF-8''%FF%FE.txt",
    /which is not valid UTF-8/,
  ],
  [
    "filename* that is not an extended value",
    'Content-Disposition: form-data; name="doc"; filename*=report.txt',
    /which is not a valid extended value/,
  ],
];

describe("ambiguous part headers are refused, never guessed", () => {
  test.each(AMBIGUOUS)(
    "%s: 400 E_MALFORMED, a message, no temp file, nothing stored",
    async (_label, headers, message) => {
      const before = await storedNames();
      const body = Buffer.concat([onDisk, part(headers, "payload"), close]);
      const outcome = server.nextOutcome();
      const response = await sendRaw(server.port, [requestHead(CT, body.length), body]);
      expect(await outcome).toMatchObject({ status: 400, code: "E_MALFORMED" });
      expect(response.status).toBe(400);
      const errors = JSON.parse(response.body).errors;
      expect(Object.values(errors).flat()[0]).toMatch(message);
      expect(await media.leftoverTempFiles()).toEqual([]);
      expect(await storedNames()).toEqual(before);
    },
  );
});

describe("filename* (RFC 6266 extended names)", () => {
  test.each([
    ["ISO-8859-1 without filename", "filename*=ISO-8859-1''na%EFve.txt", "naïve.txt"],
    ["UTF-8 without filename", "filename*=UTF-8''%E6%8A%A5%E5%91%8A.txt", "报告.txt"],
    [
      "UTF-8 beside an ASCII fallback",
      "filename=\"report.txt\"; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.txt",
      "отчёт.txt",
    ],
  ])("%s is a file, named from filename*", async (_label, params, stored) => {
    const body = Buffer.concat([
      part(
        `Content-Disposition: form-data; name="doc"; ${params}\r\nContent-Type: text/plain`,
        "hello",
      ),
      close,
    ]);
    const outcome = server.nextOutcome();
    const response = await sendRaw(server.port, [requestHead(CT, body.length), body]);
    expect(response.status).toBe(200);
    const { saved } = await outcome;
    expect(saved).toEqual([`uploads/${stored}`]);
    expect(await media.storage.read(saved![0])).toEqual(Buffer.from("hello"));
  });
});
