// One 1 GiB-style stream in its own process, so its peak RSS is its own.
// Usage: tsx bench/storage/big.ts MODE SIZE_MB ROOT_OR_ENDPOINT [BUCKET]
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
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

function s3Client(): S3Client {
  return new S3Client({
    endpoint: target,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

async function run(): Promise<{ write: number; read: number }> {
  const time = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return (performance.now() - started) / 1000;
  };
  switch (mode) {
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
      const storage = createStorage({ driver: "s3", bucket, client: s3Client() });
      const write = await time(() =>
        storage.save("big-stowage.bin", source(), { overwrite: true }),
      );
      const read = await time(async () => pipeline(await storage.open("big-stowage.bin"), sink()));
      return { write, read };
    }
    case "raw-s3": {
      const client = s3Client();
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
