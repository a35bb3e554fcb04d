import http from "node:http";
import type net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import { parseNodeUpload } from "../../src/uploads/adapters/node.js";
import { KB, MB } from "../../src/uploads/format.js";
import { parseUpload } from "../../src/uploads/parse.js";
import type { UploadResult } from "../../src/uploads/result.js";
import { connectSocket } from "../helpers/raw-http.js";
import { retainedBytes } from "./gc.js";
import { makeTmpDir, streamOf } from "./helpers.js";

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeEach(async () => {
  tmp = await makeTmpDir();
});
afterEach(async () => {
  await tmp.remove();
});

/** Bytes dribbled one TCP segment at a time. */
const DRIBBLED = 120 * KB;

/**
 * Write `bytes` one byte per write (Nagle off), yielding to the event loop
 * after each so the server reads every byte as its own segment.
 */
async function dribble(socket: net.Socket, bytes: Buffer): Promise<void> {
  for (let index = 0; index < bytes.length; index += 1) {
    await new Promise<void>((resolve, reject) =>
      socket.write(bytes.subarray(index, index + 1), (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("a body sent one byte per TCP segment", () => {
  test.each([
    ["a file kept in memory", "file"],
    ["a file written to disk", "disk"],
    ["a form field", "field"],
    ["a urlencoded field", "urlencoded"],
  ])(
    "into %s costs memory for its bytes, not per segment",
    async (_label, kind) => {
      let result: UploadResult | undefined;
      let failure: unknown;
      let parsed: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        parsed = resolve;
      });
      let segments = 0;
      const server = http.createServer(async (req, res) => {
        // Count the body pieces Node's HTTP parser hands over, without reading any of them.
        const push = req.push.bind(req);
        req.push = (chunk, encoding) => {
          if (chunk !== null) segments += 1;
          return push(chunk, encoding);
        };
        try {
          result = await parseNodeUpload(req, res, {
            tmpDir: tmp.dir,
            memoryThreshold: kind === "disk" ? 0 : 1 * MB,
            idleTimeout: 60_000,
            maxDuration: 600_000,
          });
          res.end("ok");
        } catch (error) {
          failure = error;
          res.statusCode = 500;
          res.end();
        }
        parsed();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const content = Buffer.alloc(DRIBBLED, 0x61);
      const B = "dribble";
      const [head, tail] =
        kind === "urlencoded"
          ? [Buffer.from("title="), Buffer.from("&x=1")]
          : [
              Buffer.from(
                `--${B}\r\nContent-Disposition: form-data; name="f"${kind === "field" ? "" : '; filename="a.txt"'}\r\n\r\n`,
              ),
              Buffer.from(`\r\n--${B}--\r\n`),
            ];
      const type =
        kind === "urlencoded"
          ? "application/x-www-form-urlencoded"
          : `multipart/form-data; boundary=${B}`;
      const length = head.length + content.length + tail.length;
      const socket = await connectSocket((server.address() as AddressInfo).port);
      socket.setNoDelay(true);
      try {
        socket.write(
          `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`,
        );
        socket.write(head);
        const before = await retainedBytes();
        await dribble(socket, content);
        // The parse is still open, holding what it has read: measure it now.
        const growth = (await retainedBytes()) - before;
        socket.end(tail);
        await done;
        expect(failure).toBeUndefined();
        const value =
          kind === "field" || kind === "urlencoded"
            ? Buffer.from(result!.fields[kind === "field" ? "f" : "title"])
            : await result!.file("f")!.bytes();
        expect(value.equals(content)).toBe(true);
        // 120 KB held; a Buffer per segment would cost well over 10 MB.
        // Most bytes really did arrive one by one.
        expect(segments).toBeGreaterThan(DRIBBLED / 2);
        expect(growth).toBeLessThan(3 * MB);
      } finally {
        socket.destroy();
        await result?.cleanup();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
    120_000,
  );
});

describe("maxMemoryPerRequest", () => {
  test("many files just under memoryThreshold: the ones past the request's budget go to disk", async () => {
    const form = new MultipartBuilder();
    for (let index = 0; index < 20; index += 1) {
      form.file("photos", `${index}.bin`, Buffer.alloc(60 * KB, index));
    }
    const built = form.build();
    const result = await parseUpload(
      { headers: built.headers, body: streamOf(built.body) },
      { tmpDir: tmp.dir, memoryThreshold: 64 * KB, maxMemoryPerRequest: 256 * KB },
    );
    const files = result.allFiles();
    const inMemory = files.filter((file) => file.inMemory);
    expect(inMemory).toHaveLength(4);
    expect(inMemory.reduce((sum, file) => sum + file.size, 0)).toBeLessThanOrEqual(256 * KB);
    expect(await tmp.files()).toHaveLength(16);
    for (const [index, file] of files.entries()) {
      expect((await file.bytes()).equals(Buffer.alloc(60 * KB, index))).toBe(true);
    }
    await result.cleanup();
    expect(await tmp.files()).toEqual([]);
  });

  test("field values past the budget are refused with 413, and nothing is left behind", async () => {
    const form = new MultipartBuilder().file("doc", "a.bin", Buffer.alloc(8 * KB, 1));
    for (let index = 0; index < 10; index += 1) form.field(`f${index}`, "v".repeat(30 * KB));
    const built = form.build();
    const error = await parseUpload(
      { headers: built.headers, body: streamOf(built.body) },
      { tmpDir: tmp.dir, memoryThreshold: 0, maxMemoryPerRequest: 256 * KB },
    ).catch((caught) => caught);
    expect(error).toMatchObject({ code: "E_LIMIT_FIELDS_TOTAL_SIZE", status: 413 });
    expect(error.message).toMatch(
      /^The form's field values together must be under 256 KB\. They are at least 2\d\d\.\d\d KB\.$/,
    );
    expect(await tmp.files()).toEqual([]);
  });
});
