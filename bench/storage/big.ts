// One big stream in its own process, so its peak RSS is its own. run.ts bundles
// this file to plain .mjs (esbuild) and starts it with plain node, no tsx.
// Usage: node big.mjs MODE SIZE_MB ROOT_OR_ENDPOINT [BUCKET]
// MODE: baseline-fs | baseline-s3 (load the same code, move no bytes),
//       stowage-fs | plain-fs | stowage-s3 | raw-s3.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import { createStorage } from "../../src/storage/index.js";

const [mode, sizeMbText, target, bucket] = process.argv.slice(2);
const sizeMb = Number(sizeMbText);
const CHUNK = Buffer.alloc(1024 * 1024, 42);

/** A body of unknown length, made on the fly so the source holds no memory. */
function source(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < sizeMb ? CHUNK : null);
    },
  });
}
const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });

async function s3Client(): Promise<S3Client> {
  // Loaded only by the s3 modes, so the fs modes' RSS does not carry the SDK.
  const { S3Client } = await import("@aws-sdk/client-s3");
  return new S3Client({
    endpoint: target,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

const time = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

async function run(): Promise<{ write: number; read: number }> {
  switch (mode) {
    case "baseline-fs":
      createStorage({ driver: "fs", root: target });
      return { write: 0, read: 0 };
    case "baseline-s3": {
      // The same modules the s3 modes load, and a client, but no request.
      (await s3Client()).destroy();
      await import("@aws-sdk/lib-storage");
      return { write: 0, read: 0 };
    }
    case "stowage-fs": {
      const storage = createStorage({ driver: "fs", root: target });
      const write = await time(() => storage.save("big.bin", source(), { overwrite: true }));
      const read = await time(async () => pipeline(await storage.open("big.bin"), sink()));
      return { write, read };
    }
    case "plain-fs": {
      await mkdir(target, { recursive: true });
      const file = path.join(target, "big.bin");
      const write = await time(() => pipeline(source(), createWriteStream(file)));
      const read = await time(() => pipeline(createReadStream(file), sink()));
      return { write, read };
    }
    case "stowage-s3": {
      const client = await s3Client();
      const storage = createStorage({ driver: "s3", bucket, client });
      const write = await time(() =>
        storage.save("big-stowage.bin", source(), { overwrite: true }),
      );
      const read = await time(async () => pipeline(await storage.open("big-stowage.bin"), sink()));
      client.destroy();
      return { write, read };
    }
    case "raw-s3": {
      const client = await s3Client();
      const { GetObjectCommand } = await import("@aws-sdk/client-s3");
      const { Upload } = await import("@aws-sdk/lib-storage");
      // Unknown length needs lib-storage's multipart upload with the raw client too; same part size.
      const write = await time(() =>
        new Upload({
          client,
          params: { Bucket: bucket, Key: "big-raw.bin", Body: source() },
          queueSize: 4,
          partSize: 5 * 1024 * 1024,
        }).done(),
      );
      const read = await time(async () => {
        const result = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: "big-raw.bin" }),
        );
        await pipeline(result.Body as Readable, sink());
      });
      client.destroy();
      return { write, read };
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

const result = await run();
if (mode.endsWith("fs")) await rm(path.join(target, "big.bin"), { force: true });
process.stdout.write(
  `${JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
