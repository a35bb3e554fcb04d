import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type TemporaryMedia, temporaryMedia } from "../../src/testing/media.js";
import { MultipartBuilder, multipartBody } from "../../src/testing/multipart.js";
import { requestHead, sendRaw, startUploadServer } from "./http-server.js";
import { TRAVERSAL_NAMES } from "./traversal-names.js";

let media: TemporaryMedia;
let server: Awaited<ReturnType<typeof startUploadServer>>;

beforeAll(async () => {
  media = await temporaryMedia();
  server = await startUploadServer(media.storage, {
    tmpDir: media.tmpDir,
    idleTimeout: 400,
    memoryThreshold: 1024,
  });
});
afterAll(async () => {
  await server.close();
  await media.cleanup();
});

const B = "corpusBoundary";
const CT = `multipart/form-data; boundary=${B}`;
const part = (headers: string, content: string | Buffer) =>
  Buffer.concat([
    Buffer.from(`--${B}\r\n${headers}\r\n\r\n`),
    Buffer.from(content),
    Buffer.from("\r\n"),
  ]);
const close = Buffer.from(`--${B}--\r\n`);

async function storedNames(where: TemporaryMedia): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of where.storage.list()) names.push(entry.name);
  return names;
}
const fileHeaders = (name: string, filename: string) =>
  `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: text/plain`;

/** [label, content type, body, status, code] */
const CORPUS: [string, string, () => Buffer, number, string][] = [
  [
    "an 8 KB filename",
    CT,
    () => Buffer.concat([part(fileHeaders("f", "a".repeat(8192)), "x"), close]),
    413,
    "E_LIMIT_HEADER_SIZE",
  ],
  [
    "a __proto__ field",
    CT,
    () => Buffer.concat([part('Content-Disposition: form-data; name="__proto__"', "{}"), close]),
    400,
    "E_MALFORMED",
  ],
  [
    "a constructor field",
    CT,
    () => Buffer.concat([part('Content-Disposition: form-data; name="constructor"', "x"), close]),
    400,
    "E_MALFORMED",
  ],
  [
    "an empty field name",
    CT,
    () => Buffer.concat([part('Content-Disposition: form-data; name=""', "x"), close]),
    400,
    "E_MALFORMED",
  ],
  [
    "101 files",
    CT,
    () =>
      Buffer.concat([
        ...Array.from({ length: 101 }, (_, i) => part(fileHeaders("f", `${i}.txt`), "x")),
        close,
      ]),
    400,
    "E_LIMIT_FILES",
  ],
  [
    "1001 fields",
    CT,
    () =>
      Buffer.concat([
        ...Array.from({ length: 1001 }, (_, i) =>
          part(`Content-Disposition: form-data; name="f${i}"`, "v"),
        ),
        close,
      ]),
    400,
    "E_LIMIT_FIELDS",
  ],
  [
    "10,000 empty parts",
    CT,
    () =>
      Buffer.concat([
        ...Array.from({ length: 10_000 }, () =>
          part('Content-Disposition: form-data; name="e"', ""),
        ),
        close,
      ]),
    400,
    "E_LIMIT_FIELDS",
  ],
  [
    "a 252-byte boundary",
    `multipart/form-data; boundary=${"x".repeat(252)}`,
    () => Buffer.from(`--${"x".repeat(252)}--\r\n`),
    400,
    "E_MALFORMED",
  ],
  [
    "a missing boundary",
    "multipart/form-data",
    () => Buffer.concat([part('Content-Disposition: form-data; name="a"', "1"), close]),
    400,
    "E_MALFORMED",
  ],
  [
    "a duplicated boundary",
    `${CT}; boundary=other`,
    () => Buffer.concat([part('Content-Disposition: form-data; name="a"', "1"), close]),
    400,
    "E_MALFORMED",
  ],
  [
    "a body whose boundary differs from the header",
    CT.replace(B, "nope"),
    () => Buffer.concat([part('Content-Disposition: form-data; name="a"', "1"), close]),
    400,
    "E_MALFORMED",
  ],
  [
    "a body cut off mid-file",
    CT,
    () => part(fileHeaders("f", "a.txt"), "x".repeat(5000)).subarray(0, 3000),
    400,
    "E_MALFORMED",
  ],
  [
    "a base64 part of odd length",
    CT,
    () =>
      Buffer.concat([
        part(`${fileHeaders("f", "a.txt")}\r\nContent-Transfer-Encoding: base64`, "YWJjZA="),
        close,
      ]),
    400,
    "E_MALFORMED",
  ],
  [
    "part headers past the limit",
    CT,
    () =>
      Buffer.concat([
        part(`Content-Disposition: form-data; name="a"\r\nX-Junk: ${"j".repeat(9000)}`, "1"),
        close,
      ]),
    413,
    "E_LIMIT_HEADER_SIZE",
  ],
  ["a JSON body", "application/json", () => Buffer.from("{}"), 415, "E_CONTENT_TYPE"],
];

describe("bad input over HTTP", () => {
  test.each(CORPUS)(
    "%s gets a 4xx with a message and leaves no temp file",
    async (_label, contentType, body, status, code) => {
      const bytes = body();
      const outcome = server.nextOutcome();
      const response = await sendRaw(server.port, [requestHead(contentType, bytes.length), bytes]);
      expect(await outcome).toMatchObject({ status, code });
      expect(response.status).toBe(status);
      const json = JSON.parse(response.body);
      expect(json.success).toBe(false);
      expect(Object.values(json.errors).flat().join(" ").length).toBeGreaterThan(20);
      expect(await media.leftoverTempFiles()).toEqual([]);
    },
  );

  test.each(TRAVERSAL_NAMES.map(([raw]) => raw))(
    "the traversal filename %j is refused with 400, a message, no temp file and nothing stored",
    async (raw) => {
      const storedBefore = await storedNames(media);
      // A first file big enough to be on disk already when the bad name arrives.
      const bytes = Buffer.concat([
        part(fileHeaders("ok", "fine.txt"), "f".repeat(4096)),
        part(fileHeaders("doc", raw.replace(/"/g, "%22")), "payload"),
        close,
      ]);
      const outcome = server.nextOutcome();
      const response = await sendRaw(server.port, [requestHead(CT, bytes.length), bytes]);
      expect(await outcome).toMatchObject({ status: 400, code: "E_UNSAFE_FILENAME" });
      expect(response.status).toBe(400);
      const json = JSON.parse(response.body);
      expect(json.success).toBe(false);
      expect(json.errors.doc.join(" ")).toMatch(
        /^The file name of "doc" must be a plain name without (folders|control characters); got ".+"\.$/,
      );
      expect(await media.leftoverTempFiles()).toEqual([]);
      expect(await storedNames(media)).toEqual(storedBefore);
    },
  );

  test("a Content-Length larger than the body: the client gives up, nothing is left", async () => {
    const bytes = Buffer.concat([part(fileHeaders("f", "a.txt"), "y".repeat(4000)), close]);
    const outcome = server.nextOutcome();
    await sendRaw(server.port, [requestHead(CT, bytes.length + 1000), bytes], { end: true });
    // Node reports a half-closed request as neither ended nor aborted: the idle timeout frees it.
    expect(["E_ABORTED", "E_TIMEOUT"]).toContain((await outcome).code);
    expect(await media.leftoverTempFiles()).toEqual([]);
  });

  test("a Content-Length smaller than the body: the body is cut off and refused", async () => {
    const bytes = Buffer.concat([part(fileHeaders("f", "a.txt"), "z".repeat(4000)), close]);
    const outcome = server.nextOutcome();
    const response = await sendRaw(server.port, [requestHead(CT, bytes.length - 500), bytes]);
    // Node parses the surplus as a second request and kills the connection, sometimes before
    // the handler reads the (cut) body: either way the answer is a 400 and nothing is kept.
    expect(["E_MALFORMED", "E_ABORTED"]).toContain((await outcome).code);
    expect(response.status).toBe(400);
    expect(await media.leftoverTempFiles()).toEqual([]);
  });

  test("a client that disconnects mid-file leaves no temp file and no hung request", async () => {
    const bytes = part(fileHeaders("f", "a.txt"), "w".repeat(200_000)).subarray(0, 100_000);
    const outcome = server.nextOutcome();
    await sendRaw(server.port, [requestHead(CT, 300_000), bytes], { destroyAfter: true });
    expect((await outcome).code).toBe("E_ABORTED");
    expect(await media.leftoverTempFiles()).toEqual([]);
  });

  test("a client that stops sending times out with 408 and frees everything", async () => {
    const bytes = part(fileHeaders("f", "a.txt"), "s".repeat(50_000)).subarray(0, 40_000);
    const outcome = server.nextOutcome();
    const response = await sendRaw(server.port, [requestHead(CT, 60_000), bytes]);
    expect(await outcome).toMatchObject({ status: 408, code: "E_TIMEOUT" });
    expect(response.status).toBe(408);
    expect(await media.leftoverTempFiles()).toEqual([]);
  });

  test("the server still answers a good upload after the whole corpus", async () => {
    const form = new MultipartBuilder()
      .field("a", "1")
      .file("f", "ok.txt", "fine", "text/plain")
      .build();
    const outcome = server.nextOutcome();
    const response = await sendRaw(server.port, [
      requestHead(form.contentType, form.body.length),
      Buffer.from(form.body),
    ]);
    expect(response.status).toBe(200);
    expect((await outcome).saved).toHaveLength(1);
    expect(multipartBody).toBeTypeOf("function");
  });
});

describe('filenames: "basename" (Django\'s behaviour)', () => {
  let basenameMedia: TemporaryMedia;
  let basenameServer: Awaited<ReturnType<typeof startUploadServer>>;
  beforeAll(async () => {
    basenameMedia = await temporaryMedia();
    basenameServer = await startUploadServer(basenameMedia.storage, {
      tmpDir: basenameMedia.tmpDir,
      memoryThreshold: 1024,
      filenames: "basename",
    });
  });
  afterAll(async () => {
    await basenameServer.close();
    await basenameMedia.cleanup();
  });

  test.each(TRAVERSAL_NAMES)(
    "the traversal filename %j is stored inside the media root as %j",
    async (raw, safe) => {
      const bytes = Buffer.concat([
        part(fileHeaders("f", raw.replace(/"/g, "%22")), "payload"),
        close,
      ]);
      const outcome = basenameServer.nextOutcome();
      const response = await sendRaw(basenameServer.port, [requestHead(CT, bytes.length), bytes]);
      expect(response.status).toBe(200);
      const { saved } = await outcome;
      expect(saved).toHaveLength(1);
      expect(saved![0].startsWith("uploads/")).toBe(true);
      expect(saved![0].slice("uploads/".length)).toMatch(
        new RegExp(`^${safe.replace(".", "(_[^/]+)?\\.")}$|^${safe}(_\\w+)?$`),
      );
      expect(await basenameMedia.storage.read(saved![0])).toEqual(Buffer.from("payload"));
      expect(await basenameMedia.leftoverTempFiles()).toEqual([]);
    },
  );
});
