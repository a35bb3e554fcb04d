/**
 * A body stream that delivers fewer or more bytes than its response
 * announced: the client must never be left waiting for promised bytes
 * (the connection is cut) and never get bytes beyond `Content-Length`.
 */
import net from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeResponse, type ServeHandler } from "../../src/serve/core.js";
import { adapters, type Running } from "./support/servers.js";

const ANNOUNCED = 100;

const handler: ServeHandler = {
  respond(request) {
    const sent = request.target === "/short" ? 40 : request.target === "/long" ? 160 : -1;
    if (sent < 0) return null;
    const headers = { "Content-Type": "application/octet-stream", "Content-Length": "100" };
    const stream = Readable.from([Buffer.alloc(sent / 2, 1), Buffer.alloc(sent / 2, 2)]);
    return makeResponse(200, headers, { length: ANNOUNCED, stream });
  },
};

/** Send keep-alive GETs on one connection; resolve with all bytes once the server closes or `settled` says so. */
function keepAlive(
  port: number,
  targets: string[],
  settled: (received: Buffer) => boolean,
): Promise<{ received: Buffer; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("the client was left waiting for bytes that never came"));
    }, 10_000);
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ received: Buffer.concat(chunks), closedByServer });
    };
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      if (settled(Buffer.concat(chunks))) finish(false);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => finish(true));
    socket.write(targets.map((target) => `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`).join(""));
  });
}

describe.each(Object.keys(adapters))("a body of the wrong length, through %s", (name) => {
  let running: Running;
  beforeAll(async () => {
    running = await adapters[name]!(handler);
  });
  afterAll(() => running.close());

  it("cuts the connection when the body ends short of its Content-Length", async () => {
    const { received, closedByServer } = await keepAlive(running.port, ["/short"], () => false);
    expect(closedByServer).toBe(true);
    const body = received.subarray(received.indexOf("\r\n\r\n") + 4);
    expect(body.length).toBeLessThan(ANNOUNCED);
  });

  it("sends no byte beyond Content-Length, and the connection stays usable", async () => {
    const twice = (received: Buffer) =>
      (received.toString("latin1").match(/HTTP\/1\.1 200/g) ?? []).length === 2 &&
      received.length >= 2 * ANNOUNCED;
    const { received } = await keepAlive(running.port, ["/long", "/long"], twice);
    const text = received.toString("latin1");
    const second = text.indexOf("HTTP/1.1 200", 1);
    expect(second).toBeGreaterThan(0);
    const firstBody = received.subarray(text.indexOf("\r\n\r\n") + 4, second);
    expect(firstBody.length).toBe(ANNOUNCED);
  });
});
