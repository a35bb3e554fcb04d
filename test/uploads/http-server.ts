import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import type { Storage } from "../../src/storage/types.js";
import { parseNodeUpload } from "../../src/uploads/adapters/node.js";
import { uploadName } from "../../src/uploads/naming.js";
import type { UploadOptions } from "../../src/uploads/options.js";
import { uploadErrorReply } from "../../src/uploads/responses.js";

export interface Outcome {
  status: number;
  code?: string;
  saved?: string[];
}

/**
 * A node:http server that parses every POST, saves the files to `storage`
 * under `uploads/`, and answers JSON. `outcomes` resolves once per request,
 * after all cleanup, so tests can check the temp folder then.
 */
export async function startUploadServer(storage: Storage, options: UploadOptions) {
  const outcomes: Outcome[] = [];
  const waiters: ((outcome: Outcome) => void)[] = [];
  const record = (outcome: Outcome) => {
    outcomes.push(outcome);
    waiters.shift()?.(outcome);
  };
  const server = http.createServer(async (req, res) => {
    try {
      const result = await parseNodeUpload(req, res, options);
      const saved: string[] = [];
      for (const file of result.allFiles()) {
        saved.push(await file.saveTo(storage, uploadName("uploads/", file.filename)));
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ success: true, fields: result.fields, saved }));
      record({ status: 200, saved });
    } catch (error) {
      const reply = uploadErrorReply(error, { accept: "application/json" });
      res.statusCode = reply.status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(reply.json ? reply.body : reply.errors));
      record({ status: reply.status, code: (error as { code?: string }).code });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    outcomes,
    /** The next request's outcome on the server side. */
    nextOutcome: () => new Promise<Outcome>((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Raw bytes to the server; resolves with the status line's code (0 when the server just closed). */
export function sendRaw(
  port: number,
  parts: Buffer[],
  options: { end?: boolean; destroyAfter?: boolean; pauseMs?: number } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      const text = Buffer.concat(received).toString("utf8");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({
        status: match ? Number(match[1]) : 0,
        body: text.slice(text.indexOf("\r\n\r\n") + 4),
      });
      socket.destroy();
    };
    socket.on("data", (chunk) => {
      received.push(chunk);
      if (/\r\n\r\n[\s\S]*\}$/.test(Buffer.concat(received).toString("utf8"))) finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
    socket.on("connect", async () => {
      for (const part of parts) {
        if (socket.destroyed) return;
        socket.write(part);
        if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
      }
      if (options.destroyAfter) socket.destroy();
      else if (options.end) socket.end();
    });
  });
}

/** A POST request's head for `body`, with a Content-Length that may lie. */
export function requestHead(contentType: string, length: number | undefined): Buffer {
  const lengthLine =
    length === undefined ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${length}\r\n`;
  return Buffer.from(
    `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\n${lengthLine}Accept: application/json\r\n\r\n`,
  );
}
