/**
 * Clients that pipeline requests and never read the answers, then vanish:
 * every stream opened for a response must be closed, and a connection must
 * not queue responses without bound. Descriptors are counted in
 * /proc/self/fd: the servers run in this process.
 */
import { readdirSync, writeFileSync } from "node:fs";
import type net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PIPELINED } from "../../src/serve/adapters/node.js";
import { connectSocket } from "../helpers/raw-http.js";
import { fixtureHandler, makeFixture } from "./support/fixture.js";
import { adapters, type Running } from "./support/servers.js";

const fixture = await makeFixture();
const LARGE = Buffer.alloc(600 * 1024, 7);
writeFileSync(path.join(fixture.root, "large.bin"), LARGE);
writeFileSync(path.join(fixture.mediaRoot, "large.bin"), LARGE);
const handler = fixtureHandler(fixture);
afterAll(() => fixture.cleanup());

const CONNECTIONS = 50;
const PIPELINED = 20;
const countFds = () => readdirSync("/proc/self/fd").length;

/** Poll `check` until it holds, or fail with `message` after `timeoutMs`. */
async function eventually(check: () => boolean, message: () => string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Open `CONNECTIONS` paused clients, each pipelining `PIPELINED` GETs of `target`. */
async function pipelineAndPause(port: number, target: string): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const socket = await connectSocket(port, { paused: true });
    socket.on("error", () => undefined);
    socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(PIPELINED));
    sockets.push(socket);
  }
  return sockets;
}

describe.each(["standalone", "express", "fastify", "hono"])(
  "pipelined clients that vanish, on %s",
  (name) => {
    let running: Running;
    let opened = 0;
    beforeAll(async () => {
      // @hono/node-server never tells a queued response that its client left:
      // the fetch adapter's send timeout closes what nothing reads any more.
      running = await adapters[name]!(handler, { sendTimeout: 1000 });
    });
    afterAll(() => running.close());

    it.each(["/static/large.bin", "/media/large.bin"])(
      "closes every stream opened for %s once the sockets are gone",
      async (target) => {
        const before = countFds();
        const sockets = await pipelineAndPause(running.port, target);
        // Every connection is busy: its first response is being sent.
        await eventually(
          () => countFds() >= before + CONNECTIONS,
          () => `only ${countFds() - before} descriptors opened`,
        );
        const during = countFds();
        for (const socket of sockets) socket.destroy();
        await eventually(
          () => countFds() <= before + 2,
          () =>
            `${countFds() - before} descriptors still open (before ${before}, during ${during})`,
        );
        opened = Math.max(opened, during - before);
      },
    );

    // The fetch adapter cannot wait for its turn: node-server answers every pipelined request at once.
    it.skipIf(name === "hono")(
      "held at most one stream per connection while the clients waited",
      () => {
        // Per connection: the client's socket and the server's (both in this
        // process) and the one file being sent, not one per pipelined request.
        expect(opened).toBeLessThanOrEqual(CONNECTIONS * 3 + 2);
      },
    );
  },
);

describe("a connection that pipelines", () => {
  let running: Running;
  beforeAll(async () => {
    running = await adapters.standalone!(handler);
  });
  afterAll(() => running.close());

  it("gets every answer, in order, when it keeps a few requests in flight", async () => {
    const socket = await connectSocket(running.port, { paused: true });
    socket.resume();
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    const count = 32;
    socket.write("GET /static/js/app.js HTTP/1.1\r\nHost: x\r\n\r\n".repeat(count - 1));
    socket.write("GET /static/empty.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await new Promise((resolve) => socket.once("close", resolve));
    const text = Buffer.concat(chunks).toString("latin1");
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(count);
    expect(text.split(fixture.js.toString()).length - 1).toBe(count - 1);
  });

  it(`is cut off once more than ${MAX_PIPELINED} responses wait unread`, async () => {
    let requests = 0;
    const count = () => requests++;
    running.server.on("request", count);
    const socket = await connectSocket(running.port, { paused: true });
    socket.on("error", () => undefined);
    const closed = new Promise((resolve) => socket.once("close", resolve));
    socket.write("GET /static/large.bin HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4 * MAX_PIPELINED));
    // Read (and drop) what arrives only to notice the close: the client never ends.
    socket.resume();
    await closed;
    running.server.off("request", count);
    expect(requests).toBeGreaterThan(MAX_PIPELINED);
  });
});
