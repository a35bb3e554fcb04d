import { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";
import { multipartBody } from "../../src/testing/multipart.js";
import { UploadError } from "../../src/uploads/errors.js";
import { parseUpload } from "../../src/uploads/parse.js";
import { asBuffer, cutInto, makeTmpDir } from "./helpers.js";

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeAll(async () => {
  tmp = await makeTmpDir();
});
afterAll(async () => {
  await tmp.remove();
});

const BOUNDARY = "prop";
const base = asBuffer(
  multipartBody(
    [
      { name: "title", value: "a title" },
      {
        name: "doc",
        filename: "notes.txt",
        content: "some notes\r\n".repeat(20),
        contentType: "text/plain",
      },
      { name: "blob", filename: "data.bin", content: Buffer.alloc(300, 0xab) },
      { name: "tag", value: "x" },
    ],
    BOUNDARY,
  ).body,
);

/** Bytes likely to matter to a multipart parser, plus anything. */
const interesting = fc.oneof(
  fc.constantFrom(...Buffer.from(`\r\n-"; =${BOUNDARY}`)),
  fc.integer({ min: 0, max: 255 }),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.array(interesting, { minLength: 1, maxLength: 40 }),
  }),
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 60 }),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 120 }),
  }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), byte: interesting }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(body: Buffer, mutations: Mutation[]): Buffer {
  let out = body;
  for (const change of mutations) {
    const at = out.length === 0 ? 0 : change.at % (out.length + 1);
    switch (change.kind) {
      case "truncate":
        out = out.subarray(0, at);
        break;
      case "insert":
        out = Buffer.concat([out.subarray(0, at), Buffer.from(change.bytes), out.subarray(at)]);
        break;
      case "delete":
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + change.length)]);
        break;
      case "duplicate":
        out = Buffer.concat([out.subarray(0, at + change.length), out.subarray(at)]);
        break;
      case "set":
        out = Buffer.from(out);
        if (at < out.length) out[at] = change.byte;
        break;
    }
  }
  return out;
}

test("mutated bodies never crash, hang or leak a temp file", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 5 }),
      async (mutations, sizes) => {
        const body = apply(base, mutations);
        const parse = parseUpload(
          {
            headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
            body: Readable.from(cutInto(body, sizes)),
          },
          {
            tmpDir: tmp.dir,
            memoryThreshold: 64,
            maxFileSize: 2000,
            maxParts: 10,
            idleTimeout: 5000,
          },
        );
        let timer: NodeJS.Timeout | undefined;
        const hang = new Promise<"hang">((resolve) => {
          timer = setTimeout(() => resolve("hang"), 3000);
        });
        const outcome = await Promise.race([
          parse.then(
            async (result) => {
              await result.cleanup();
              return "ok" as const;
            },
            (error: unknown) => error,
          ),
          hang,
        ]);
        clearTimeout(timer);
        expect(outcome).not.toBe("hang");
        if (outcome !== "ok") expect(outcome).toBeInstanceOf(UploadError);
        expect(await tmp.files()).toEqual([]);
      },
    ),
    { numRuns: 2500, seed: 20240611 },
  );
}, 60_000);
