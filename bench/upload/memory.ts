// Memory an upload server needs under two hostile loads, measured in a child
// process so its RSS is its own:
//  - burst: 8 concurrent requests of 40 files x 2.4 MB (each file under the
//    default memoryThreshold), every parse held until all 8 are done;
//  - dribble: one 673 KB file sent one byte per TCP segment; heap growth
//    measured while the parse is still open.
// Usage: npx tsx bench/upload/memory.ts [--src DIR]   (DIR: another checkout's src/, to compare)
import { type ChildProcess, fork } from "node:child_process";
import { rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";

const here = path.dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    src: { type: "string" },
    serve: { type: "string" },
    requests: { type: "string", default: "8" },
    files: { type: "string", default: "40" },
    dribble: { type: "string", default: "673" },
  },
});
const REQUESTS = Number(values.requests);
const FILES = Number(values.files);
const FILE_SIZE = Math.round(2.4 * MB);
const DRIBBLE = Number(values.dribble) * 1024;

async function server(src: string): Promise<void> {
  const { parseNodeUpload } = await import(
    pathToFileURL(path.join(src, "uploads/adapters/node.ts")).href
  );
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  let peak = 0;
  setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10).unref();
  const held: { cleanup(): Promise<void> }[] = [];
  let segments = 0;
  let waiting: (() => void)[] = [];
  const tmpDir = path.join(os.tmpdir(), `stowage-bench-memory-${process.pid}`);
  const app = http.createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch (error) {
      console.error(error);
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const push = req.push.bind(req);
    req.push = (chunk, encoding) => {
      if (chunk !== null) segments += 1;
      return push(chunk, encoding);
    };
    const result = await parseNodeUpload(req, res, {
      tmpDir,
      maxTotalSize: 200 * MB,
      idleTimeout: 600_000,
      maxDuration: Number.POSITIVE_INFINITY,
    });
    if (req.url === "/dribble") {
      res.end("ok");
      await result.cleanup();
      return;
    }
    // Hold every parse until all have finished, as handlers still saving their files would.
    held.push(result);
    if (held.length === REQUESTS) for (const release of waiting) release();
    else await new Promise<void>((resolve) => waiting.push(resolve));
    res.end("ok");
  }
  app.listen(0, "127.0.0.1", () => {
    process.send?.({ port: (app.address() as net.AddressInfo).port });
  });
  process.on("message", async (message: string) => {
    if (message === "reset") {
      segments = 0;
      await Promise.all(held.splice(0).map((result) => result.cleanup()));
      waiting = [];
      gc();
      peak = process.memoryUsage().rss;
      process.send?.({ rss: peak });
    } else if (message === "peak") {
      process.send?.({ peak });
    } else if (message === "stop") {
      await rm(tmpDir, { recursive: true, force: true });
      process.exit(0);
    } else if (message === "dribble") {
      const heap = () => {
        gc();
        gc();
        const usage = process.memoryUsage();
        return usage.heapUsed + usage.arrayBuffers;
      };
      const { port } = app.address() as net.AddressInfo;
      const { growth } = await dribble(port, heap);
      process.send?.({ dribbled: { growth, segments } });
    }
  });
}

/**
 * Sent from inside the server's process, yielding to the event loop after
 * every byte: only then does the server read each byte as its own segment
 * (a client in another process races ahead and the reads coalesce).
 */
async function dribble(port: number, heap: () => number): Promise<{ growth: number }> {
  const boundary = "dribble";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const socket = net.connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(
    `POST /dribble HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${head.length + DRIBBLE + tail.length}\r\nConnection: close\r\n\r\n`,
  );
  socket.write(head);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = heap();
  const byte = Buffer.from("a");
  for (let index = 0; index < DRIBBLE; index += 1) {
    await new Promise<void>((resolve) => socket.write(byte, () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const growth = heap() - before;
  socket.resume();
  const closed = new Promise((resolve) => socket.once("close", resolve));
  socket.end(tail);
  if (!socket.destroyed) await closed;
  return { growth };
}

function ask<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (reply: Record<string, T>) => {
      if (key in reply) {
        child.off("message", on);
        resolve(reply[key]);
      }
    };
    child.on("message", on);
    child.send(message);
  });
}

function multipart(): { body: Buffer; type: string } {
  const boundary = "benchMemory";
  const parts: Buffer[] = [];
  for (let index = 0; index < FILES; index += 1) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="${index}.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.alloc(FILE_SIZE, index),
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

function post(port: number, body: Buffer, type: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/",
        headers: { "content-type": type, "content-length": body.length },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve());
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function main(): Promise<void> {
  if (values.serve) return server(values.serve);
  const src = path.resolve(values.src ?? path.join(here, "../../src"));
  const child = fork(
    fileURLToPath(import.meta.url),
    ["--serve", src, "--requests", String(REQUESTS), "--dribble", String(DRIBBLE / 1024)],
    {
      execArgv: ["--import", "tsx"],
    },
  );
  const port = await new Promise<number>((resolve) =>
    child.once("message", (message: { port: number }) => resolve(message.port)),
  );
  const idle = await ask<number>(child, "reset", "rss");
  console.error("burst...");
  const { body, type } = multipart();
  const started = Date.now();
  await Promise.all(Array.from({ length: REQUESTS }, () => post(port, body, type)));
  const peak = await ask<number>(child, "peak", "peak");
  const seconds = (Date.now() - started) / 1000;
  await ask(child, "reset", "rss");
  console.error("dribble...");
  const dribbled = await ask<{ growth: number; segments: number }>(child, "dribble", "dribbled");
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.send("stop");
  });
  console.log(`src: ${src}`);
  console.log(
    `burst (${REQUESTS} x ${FILES} x ${(FILE_SIZE / MB).toFixed(1)} MB): RSS ${(idle / MB).toFixed(0)} MB idle -> ${(peak / MB).toFixed(0)} MB peak (${seconds.toFixed(1)} s)`,
  );
  console.log(
    `dribble (${DRIBBLE / 1024} KB in ${dribbled.segments} segments): heap +${(dribbled.growth / MB).toFixed(1)} MB while open`,
  );
}

await main();
