import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { fetchHandler } from "../../src/serve/adapters/fetch.js";
import { makeResponse, type ServeHandler } from "../../src/serve/core.js";

/** A handler whose one body stream never ends on its own, and reports when it is closed. */
function endless() {
  const stream = new Readable({ read() {} });
  stream.push(Buffer.alloc(10));
  // Closing it with an error is how the adapter gives up; the test only watches for the close.
  stream.on("error", () => undefined);
  const handler: ServeHandler = {
    respond: () => makeResponse(200, { "Content-Length": "1000" }, { length: 1000, stream }),
  };
  return { stream, handler };
}

const closed = (stream: Readable) =>
  new Promise((resolve) => (stream.closed ? resolve(undefined) : stream.once("close", resolve)));

describe("fetchHandler", () => {
  it("closes a body nothing reads once the send timeout passes", async () => {
    const { stream, handler } = endless();
    const response = await fetchHandler(handler, { sendTimeout: 50 })(new Request("http://x/a"));
    expect(response?.status).toBe(200);
    await closed(stream);
    expect(stream.destroyed).toBe(true);
  });

  it("closes the body when the request is aborted", async () => {
    const { stream, handler } = endless();
    const controller = new AbortController();
    await fetchHandler(handler)(new Request("http://x/a", { signal: controller.signal }));
    controller.abort();
    await closed(stream);
  });

  it("refuses an option it does not read, naming it", () => {
    expect(() => fetchHandler(endless().handler, { timeout: 1 } as never)).toThrow(
      /Unknown option "timeout" for fetchHandler/,
    );
  });
});
