// One upload server per process, so each one's peak RSS is its own.
// Usage: tsx bench/upload/servers.ts KIND OUT_DIR TMP_DIR; prints "ready PORT".
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import express from "express";
import formidable from "formidable";
import multer from "multer";
import { createStorage } from "../../src/storage/index.js";
import { parseNodeUpload } from "../../src/uploads/adapters/node.js";

const [kind, outDir, tmpDir] = process.argv.slice(2);

function stowageServer(): http.Server {
  const storage = createStorage({ driver: "fs", root: outDir });
  return http.createServer(async (req, res) => {
    try {
      const result = await parseNodeUpload(req, res, {
        tmpDir,
        maxFileSize: Number.POSITIVE_INFINITY,
        maxTotalSize: Number.POSITIVE_INFINITY,
      });
      const file = result.file("file")!;
      const name = await file.saveTo(storage, `uploads/${file.filename}`);
      res.end(JSON.stringify({ name, sha256: file.sha256 }));
    } catch (error) {
      res.statusCode = (error as { status?: number }).status ?? 500;
      res.end(String(error));
    }
  });
}

/** The Node limit: busboy piped into fs; with `hash`, a sha256 of each file beside it. */
function busboyServer(hash: boolean): http.Server {
  return http.createServer((req, res) => {
    const parser = busboy({ headers: req.headers });
    const writes: Promise<void>[] = [];
    parser.on("file", (_name, stream, info) => {
      if (hash) {
        const digest = createHash("sha256");
        stream.on("data", (chunk: Buffer) => digest.update(chunk));
      }
      writes.push(
        pipeline(
          stream,
          createWriteStream(path.join(outDir, path.basename(info.filename ?? "upload.bin"))),
        ),
      );
    });
    parser.on("close", () => {
      Promise.all(writes).then(
        () => res.end("ok"),
        (error) => {
          res.statusCode = 500;
          res.end(String(error));
        },
      );
    });
    req.pipe(parser);
  });
}

function multerServer(): http.Server {
  const app = express();
  const upload = multer({ dest: outDir });
  app.post("/upload", upload.single("file"), (_req, res) => {
    res.end("ok");
  });
  return http.createServer(app);
}

function formidableServer(): http.Server {
  return http.createServer((req, res) => {
    const form = formidable({
      uploadDir: outDir,
      maxFileSize: Number.MAX_SAFE_INTEGER,
      maxTotalFileSize: Number.MAX_SAFE_INTEGER,
    });
    form.parse(req, (error) => {
      res.statusCode = error ? 500 : 200;
      res.end(error ? String(error) : "ok");
    });
  });
}

const makers: Record<string, () => http.Server> = {
  stowage: stowageServer,
  busboy: () => busboyServer(false),
  "busboy-sha256": () => busboyServer(true),
  multer: multerServer,
  formidable: formidableServer,
};
const server = makers[kind]();
server.requestTimeout = 0;
server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
// A clean exit on SIGTERM, so `node --cpu-prof` can write its profile.
process.on("SIGTERM", () => {
  server.close();
  process.exit(0);
});
