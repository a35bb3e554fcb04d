// Storage overhead: Stowage's fs and s3 drivers against plain node:fs and raw
// @aws-sdk/client-s3 doing the same work, in one run, on loopback.
// Usage: npm run bench -- storage [--files 10000] [--big-mb 1024] [--concurrency 16] [--quick]
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { link, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createStorage } from "../../src/storage/index.js";
import { startS3rver } from "../../test/storage/services/start.js";

const { values } = parseArgs({
  options: {
    files: { type: "string" },
    "big-mb": { type: "string" },
    concurrency: { type: "string", default: "16" },
    quick: { type: "boolean", default: false },
  },
});
const files = Number(values.files ?? (values.quick ? 500 : 10_000));
const bigMb = Number(values["big-mb"] ?? (values.quick ? 64 : 1024));
const concurrency = Number(values.concurrency);
const here = path.dirname(fileURLToPath(import.meta.url));
const SMALL = randomBytes(2048);

/** Runs `task(i)` for i < count with at most `concurrency` in flight; returns seconds. */
async function timed(count: number, task: (index: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function big(mode: string, target: string, bucket?: string) {
  const args = [
    "--import",
    "tsx",
    path.join(here, "big.ts"),
    mode,
    String(bigMb),
    target,
    ...(bucket ? [bucket] : []),
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as {
    write: number;
    read: number;
    maxRssMb: number;
  };
}

const rows: string[][] = [];
const row = (work: string, stowage: number, peer: number, peerName: string, target: string) =>
  rows.push([
    work,
    `${stowage.toFixed(2)} s`,
    `${peer.toFixed(2)} s (${peerName})`,
    `${(stowage / peer).toFixed(2)}x`,
    target,
  ]);

const work = await mkdtemp(path.join(tmpdir(), "stowage-bench-storage-"));
try {
  // fs: small files
  const storage = createStorage({ driver: "fs", root: path.join(work, "stowage") });
  const plainRoot = path.join(work, "plain");
  const atomicRoot = path.join(work, "atomic");
  await mkdir(plainRoot, { recursive: true });
  await mkdir(atomicRoot, { recursive: true });
  const names: string[] = [];
  const fsSave = await timed(files, async (i) => {
    names[i] = await storage.save(`d${i % 100}/f${i}.bin`, SMALL);
  });
  const plainSave = await timed(files, async (i) => {
    await mkdir(path.join(plainRoot, `d${i % 100}`), { recursive: true });
    await writeFile(path.join(plainRoot, `d${i % 100}/f${i}.bin`), SMALL);
  });
  // The same guarantees by hand: temp file, then link() so an existing name is never replaced.
  const atomicSave = await timed(files, async (i) => {
    const dir = path.join(atomicRoot, `d${i % 100}`);
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.tmp-${i}`);
    await writeFile(temp, SMALL, { flag: "wx" });
    await link(temp, path.join(dir, `f${i}.bin`));
    await unlink(temp);
  });
  const fsRead = await timed(files, (i) => storage.read(names[i]));
  const plainRead = await timed(files, (i) =>
    readFile(path.join(plainRoot, `d${i % 100}/f${i}.bin`)),
  );
  row(`fs: save ${files} x 2 KiB`, fsSave, plainSave, "writeFile", "1.2x");
  row(`fs: save ${files} x 2 KiB`, fsSave, atomicSave, "temp+link by hand", "1.2x");
  row(`fs: read ${files} x 2 KiB`, fsRead, plainRead, "readFile", "1.2x");

  const fsBig = await big("stowage-fs", path.join(work, "big-stowage"));
  const plainBig = await big("plain-fs", path.join(work, "big-plain"));
  row(
    `fs: write ${bigMb} MiB stream`,
    fsBig.write,
    plainBig.write,
    "pipeline to createWriteStream",
    "1.2x",
  );
  row(`fs: read ${bigMb} MiB stream`, fsBig.read, plainBig.read, "createReadStream", "1.2x");

  // s3 against s3rver
  const s3rver = await startS3rver(["bench"]);
  try {
    const client = new S3Client({
      endpoint: s3rver.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    const s3 = createStorage({ driver: "s3", bucket: "bench", location: "stowage", client });
    const s3Names: string[] = [];
    const s3Save = await timed(files, async (i) => {
      s3Names[i] = await s3.save(`f${i}.bin`, SMALL);
    });
    const rawSave = await timed(files, (i) =>
      client.send(
        new PutObjectCommand({
          Bucket: "bench",
          Key: `raw/f${i}.bin`,
          Body: SMALL,
          ContentType: "application/octet-stream",
        }),
      ),
    );
    const s3Read = await timed(files, (i) => s3.read(s3Names[i]));
    const rawRead = await timed(files, async (i) => {
      const result = await client.send(
        new GetObjectCommand({ Bucket: "bench", Key: `raw/f${i}.bin` }),
      );
      await result.Body!.transformToByteArray();
    });
    row(`s3: save ${files} x 2 KiB`, s3Save, rawSave, "PutObject", "1.1x");
    row(`s3: read ${files} x 2 KiB`, s3Read, rawRead, "GetObject", "1.1x");
    const s3Big = await big("stowage-s3", s3rver.endpoint, "bench");
    const rawBig = await big("raw-s3", s3rver.endpoint, "bench");
    row(`s3: write ${bigMb} MiB stream`, s3Big.write, rawBig.write, "lib-storage Upload", "1.1x");
    row(`s3: read ${bigMb} MiB stream`, s3Big.read, rawBig.read, "GetObject", "1.1x");
    client.destroy();
    console.log(`\nPeak RSS of the ${bigMb} MiB stream (child process, target < 100 MB):\n`);
    console.log("| process | peak RSS |\n|---|---|");
    for (const [label, result] of [
      ["Stowage fs", fsBig],
      ["plain fs", plainBig],
      ["Stowage s3", s3Big],
      ["raw client-s3 + lib-storage", rawBig],
    ] as const) {
      console.log(`| ${label} | ${result.maxRssMb.toFixed(0)} MB |`);
    }
  } finally {
    await s3rver.stop();
  }
  console.log(
    `\nStorage overhead (${files} small files, concurrency ${concurrency}, ${bigMb} MiB stream; s3rver on loopback):\n`,
  );
  console.log("| work | Stowage | peer | ratio | target |\n|---|---|---|---|---|");
  for (const cells of rows) console.log(`| ${cells.join(" | ")} |`);
} finally {
  await rm(work, { recursive: true, force: true });
}
