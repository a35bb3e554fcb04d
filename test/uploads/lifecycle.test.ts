import { getEventListeners } from "node:events";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type TemporaryMedia, temporaryMedia } from "../../src/testing/media.js";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import { MB } from "../../src/uploads/format.js";
import { parseUpload } from "../../src/uploads/parse.js";
import { retainedBytes } from "./gc.js";
import { makeTmpDir, streamOf } from "./helpers.js";
import { requestHead, sendRaw, startUploadServer } from "./http-server.js";

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeEach(async () => {
  tmp = await makeTmpDir();
});
afterEach(async () => {
  await tmp.remove();
});

describe("a shared AbortSignal", () => {
  test("200 parses with one signal leave no abort listener and keep none of their bytes", async () => {
    const controller = new AbortController();
    const form = new MultipartBuilder().file("f", "a.bin", Buffer.alloc(1 * MB, 7)).build();
    const parseOnce = async () => {
      const result = await parseUpload(
        { headers: form.headers, body: streamOf(form.body) },
        { tmpDir: tmp.dir, memoryThreshold: 2 * MB, signal: controller.signal },
      );
      expect(result.file("f")!.size).toBe(1 * MB);
      await result.cleanup();
    };
    await parseOnce();
    const before = await retainedBytes();
    for (let round = 0; round < 200; round += 1) await parseOnce();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    // Each parse held 1 MB; with a listener per parse the signal would keep about 200 MB.
    expect(await retainedBytes()).toBeLessThan(before + 20 * MB);
  });

  test("a failed parse lets go of the signal too", async () => {
    const controller = new AbortController();
    for (let round = 0; round < 20; round += 1) {
      await expect(
        parseUpload(
          {
            headers: { "content-type": "multipart/form-data; boundary=x" },
            body: streamOf(Buffer.from("junk")),
          },
          { tmpDir: tmp.dir, signal: controller.signal },
        ),
      ).rejects.toMatchObject({ code: "E_MALFORMED" });
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  test("aborting the signal still stops a running parse and removes its temp file", async () => {
    const controller = new AbortController();
    const form = new MultipartBuilder().file("f", "a.bin", Buffer.alloc(64 * 1024, 1)).build();
    const { PassThrough } = await import("node:stream");
    const body = new PassThrough();
    const parse = parseUpload(
      { headers: form.headers, body },
      { tmpDir: tmp.dir, memoryThreshold: 0, signal: controller.signal },
    );
    body.write(form.body.subarray(0, 40_000));
    await expect.poll(() => tmp.files()).toHaveLength(1);
    controller.abort();
    await expect(parse).rejects.toMatchObject({ code: "E_ABORTED", status: 400 });
    expect(await tmp.files()).toEqual([]);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe("maxDuration", () => {
  let media: TemporaryMedia;
  let server: Awaited<ReturnType<typeof startUploadServer>>;
  beforeAll(async () => {
    media = await temporaryMedia();
    server = await startUploadServer(media.storage, {
      tmpDir: media.tmpDir,
      memoryThreshold: 1024,
      idleTimeout: 60_000,
      maxDuration: 600,
    });
  });
  afterAll(async () => {
    await server.close();
    await media.cleanup();
  });

  test("a client that keeps dribbling bytes gets 408 E_TIMEOUT_DURATION and leaves nothing", async () => {
    const B = "slow";
    const head = Buffer.from(
      `--${B}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n${"x".repeat(2048)}`,
    );
    // Never-idle: a byte every 40 ms, for far longer than maxDuration (the server answers first).
    const drip = Array.from({ length: 2000 }, () => Buffer.from("y"));
    const outcome = server.nextOutcome();
    const response = await sendRaw(
      server.port,
      [requestHead(`multipart/form-data; boundary=${B}`, 1_000_000), head, ...drip],
      { pauseMs: 40 },
    );
    expect(await outcome).toMatchObject({ status: 408, code: "E_TIMEOUT_DURATION" });
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body).errors.__all__[0]).toMatch(
      /^The upload took longer than 0\.6 s \(2\.\d\d KB arrived\); it must finish within that time\./,
    );
    expect(await media.leftoverTempFiles()).toEqual([]);
  });
});
