// The app under measurement, one process per way of uploading, so its CPU
// time and peak RSS are its own. Usage:
//   node --import tsx bench/direct/app.ts KIND WORK_DIR [S3_ENDPOINT]
// KIND: normal (multipart through the app), direct-s3 (presigned POST to
// s3rver), tus-disk (tus to local disk). Prints "ready PORT".
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createStorage } from "../../src/storage/index.js";
import { parseNodeUpload } from "../../src/uploads/adapters/node.js";
import { createDirectUploads } from "../../src/uploads/direct/index.js";
import { uploadErrorReply } from "../../src/uploads/index.js";

const [kind, workDir, s3Endpoint] = process.argv.slice(2);
const GiB = 1024 ** 3;

const storage =
  kind === "direct-s3"
    ? createStorage({
        driver: "s3",
        bucket: "bench",
        endpoint: s3Endpoint,
        forcePathStyle: true,
        region: "us-east-1",
        accessKeyId: "S3RVER",
        secretAccessKey: "S3RVER",
        conditionalPut: true,
      })
    : createStorage({ driver: "fs", root: path.join(workDir, "media") });

const direct = createDirectUploads({
  storages: { default: storage },
  secret: "bench-secret-bench-secret-bench",
  tusPath: "/uploads/tus/",
  fields: { file: { maxSize: 4 * GiB, uploadTo: "uploads/{uuid}.{ext}" } },
});
const tus =
  kind === "tus-disk" ? await direct.tus({ directory: path.join(workDir, "tus") }) : undefined;

async function json(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const server = http.createServer(async (req, res) => {
  const send = (status: number, body: unknown) =>
    res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  try {
    if (req.url === "/upload" && req.method === "POST") {
      const result = await parseNodeUpload(req, res, {
        tmpDir: path.join(workDir, "tmp"),
        maxFileSize: Number.POSITIVE_INFINITY,
        maxTotalSize: Number.POSITIVE_INFINITY,
      });
      const file = result.file("file")!;
      return send(200, { name: await file.saveTo(storage, `uploads/${file.filename}`) });
    }
    if (req.url === "/prepare") return send(200, await direct.prepare(await json(req)));
    if (req.url === "/confirm") return send(200, await direct.confirm((await json(req)).ticket));
    if (tus && req.url?.startsWith("/uploads/tus")) return void tus.handle(req, res);
    direct.nodeHandler()(req, res);
  } catch (error) {
    try {
      const reply = uploadErrorReply(error, { accept: "application/json" });
      send(reply.status, reply.json ? reply.body : {});
    } catch {
      send(500, { error: String(error) });
    }
  }
});
server.requestTimeout = 0;
server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => {
  server.close();
  process.exit(0);
});
