// Storage overhead: Stowage's fs and s3 drivers against plain node:fs and raw
// @aws-sdk/client-s3 doing the same work, in one run, on loopback.
// Usage: npm run bench -- storage [--files 10000] [--big-mb 1024] [--concurrency 16]
//        [--reps 3] [--big-reps 1] [--quick] [--skip-s3]
// --quick: 500 files, a 64 MiB stream, 3 big reps.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { link, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { build } from "esbuild";
import { createStorage } from "../../src/storage/index.js";
import { s3rverClient, startS3rver } from "../../test/storage/services/start.js";
import { compare, median, type RoundOptions } from "./rounds.js";

const { values } = parseArgs({
  options: {
    files: { type: "string" },
    "big-mb": { type: "string" },
    concurrency: { type: "string", default: "16" },
    reps: { type: "string", default: "3" },
    "big-reps": { type: "string" },
    quick: { type: "boolean", default: false },
    "skip-s3": { type: "boolean", default: false },
  },
});
const files = Number(values.files ?? (values.quick ? 500 : 10_000));
const bigMb = Number(values["big-mb"] ?? (values.quick ? 64 : 1024));
const bigReps = Number(values["big-reps"] ?? (values.quick ? 3 : 1));
const rounds: RoundOptions = {
  count: files,
  warmup: Math.min(files, 500),
  reps: Number(values.reps),
  concurrency: Number(values.concurrency),
};
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const SMALL = randomBytes(2048);

const rows: string[][] = [];
function row(work: string, stowage: number, peer: number, peerName: string, target: string) {
  const ratio = stowage / peer;
  const limit = Number.parseFloat(target);
  rows.push([
    work,
    `${stowage.toFixed(3)} s`,
    `${peer.toFixed(3)} s (${peerName})`,
    `${ratio.toFixed(2)}x`,
    Number.isNaN(limit) ? target : `${target} ${ratio <= limit ? "met" : "missed"}`,
  ]);
}

/** The big-stream child as plain .mjs, so its RSS is node's plus ours, not tsx's. */
async function bundleChild(): Promise<string> {
  // Inside the repo so the child resolves @aws-sdk/* and mrmime from node_modules.
  const outfile = path.join(repo, "node_modules/.cache/stowage-bench-storage/big.mjs");
  await build({
    entryPoints: [path.join(here, "big.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  return outfile;
}

interface BigResult {
  write: number;
  read: number;
  maxRssMb: number;
}
async function bigOnce(child: string, mode: string, target: string, bucket?: string) {
  const args = [child, mode, String(bigMb), target, ...(bucket ? [bucket] : [])];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as BigResult;
}
/** Medians over `bigReps` runs, the peer first on even runs and Stowage first on odd ones. */
async function bigPair(
  child: string,
  modes: [string, string],
  target: (mode: string) => string,
  bucket?: string,
) {
  const samples: Record<string, BigResult[]> = { [modes[0]]: [], [modes[1]]: [] };
  for (let rep = 0; rep < bigReps; rep++) {
    const order = rep % 2 ? [modes[1], modes[0]] : modes;
    for (const mode of order) samples[mode].push(await bigOnce(child, mode, target(mode), bucket));
  }
  const pick = (mode: string): BigResult => ({
    write: median(samples[mode].map((s) => s.write)),
    read: median(samples[mode].map((s) => s.read)),
    maxRssMb: Math.max(...samples[mode].map((s) => s.maxRssMb)),
  });
  return [pick(modes[0]), pick(modes[1])];
}

const work = await mkdtemp(path.join(tmpdir(), "stowage-bench-storage-"));
const rss: [string, number, number][] = [];
try {
  const child = await bundleChild();
  const dirOf = (round: string) => path.join(work, "fs", round);
  const smallName = (i: number) => `d${i % 100}/f${i}.bin`;

  // fs, small files. Every side gets a fresh folder per round and may cache the folders it made.
  const fsSave = await compare(
    {
      stowage: async (round) => {
        const storage = createStorage({ driver: "fs", root: dirOf(round) });
        return (i) => storage.save(smallName(i), SMALL);
      },
      // The same guarantees by hand: temp file, then link() so an existing name is never replaced.
      atomic: async (round) => {
        const made = new Set<string>();
        return async (i) => {
          const dir = path.join(dirOf(round), `d${i % 100}`);
          if (!made.has(dir)) await mkdir(dir, { recursive: true });
          made.add(dir);
          const temp = path.join(dir, `.tmp-${randomBytes(8).toString("hex")}`);
          await writeFile(temp, SMALL, { flag: "wx" });
          try {
            await link(temp, path.join(dir, `f${i}.bin`));
          } finally {
            await unlink(temp);
          }
        };
      },
      writeFile: async (round) => {
        const made = new Set<string>();
        return async (i) => {
          const dir = path.join(dirOf(round), `d${i % 100}`);
          if (!made.has(dir)) await mkdir(dir, { recursive: true });
          made.add(dir);
          await writeFile(path.join(dir, `f${i}.bin`), SMALL);
        };
      },
    },
    rounds,
  );
  row(`fs: save ${files} x 2 KiB`, fsSave.stowage, fsSave.atomic, "temp+link+unlink", "1.2x");
  row(`fs: save ${files} x 2 KiB`, fsSave.stowage, fsSave.writeFile, "writeFile", "reference");

  // Reads go over the files of the last measured round of each side (same sizes, warm cache).
  const lastRound = (side: string) => dirOf(`r${rounds.reps - 1}-${side}`);
  const readStorage = createStorage({ driver: "fs", root: lastRound("stowage") });
  const fsRead = await compare(
    {
      stowage: async () => (i) => readStorage.read(smallName(i)),
      readFile: async () => (i) => readFile(path.join(lastRound("writeFile"), smallName(i))),
    },
    rounds,
  );
  row(`fs: read ${files} x 2 KiB`, fsRead.stowage, fsRead.readFile, "readFile", "1.2x");

  const bigDir = (mode: string) => path.join(work, `big-${mode}`);
  const [plainBig, fsBig] = await bigPair(child, ["plain-fs", "stowage-fs"], bigDir);
  const fsBase = await bigOnce(child, "baseline-fs", bigDir("baseline"));
  const streamPeer = "pipeline to createWriteStream";
  row(`fs: write ${bigMb} MiB stream`, fsBig.write, plainBig.write, streamPeer, "1.2x");
  row(`fs: read ${bigMb} MiB stream`, fsBig.read, plainBig.read, "createReadStream", "1.2x");
  rss.push(["node + Stowage fs, no bytes moved", fsBase.maxRssMb, 0]);
  rss.push(["Stowage fs", fsBig.maxRssMb, fsBase.maxRssMb]);
  rss.push(["plain fs", plainBig.maxRssMb, fsBase.maxRssMb]);

  if (!values["skip-s3"]) await s3Part(child);

  console.log(`\nPeak RSS of the ${bigMb} MiB stream (child on plain node, target < 100 MB):\n`);
  console.log("| process | peak RSS | above its baseline |\n|---|---|---|");
  for (const [label, peak, base] of rss) {
    const above = base ? `${(peak - base).toFixed(0)} MB` : "-";
    console.log(`| ${label} | ${peak.toFixed(0)} MB | ${above} |`);
  }
  console.log(
    `\nStorage overhead (${files} small files, concurrency ${rounds.concurrency}, median of ${rounds.reps} rotated rounds after a warm-up; ${bigMb} MiB stream, median of ${bigReps}; s3rver on loopback):\n`,
  );
  console.log("| work | Stowage | peer | ratio | target |\n|---|---|---|---|---|");
  for (const cells of rows) console.log(`| ${cells.join(" | ")} |`);
} finally {
  await rm(work, { recursive: true, force: true });
}

async function s3Part(child: string) {
  const s3rver = await startS3rver(["bench"]);
  const client = s3rverClient(s3rver.endpoint);
  try {
    // conditionalPut: true, as a store that enforces If-None-Match (AWS S3) is probed to be:
    // one PutObject per save. s3rver ignores the header, so by default it would get claims.
    const s3Storage = (round: string) =>
      createStorage({
        driver: "s3",
        bucket: "bench",
        location: round,
        client,
        conditionalPut: true,
      });
    // Both sides ask for If-None-Match: * (s3rver ignores it; AWS would enforce it).
    const s3Save = await compare(
      {
        stowage: async (round) => {
          const storage = s3Storage(round);
          return (i) => storage.save(`f${i}.bin`, SMALL);
        },
        putObject: async (round) => (i) =>
          client.send(
            new PutObjectCommand({
              Bucket: "bench",
              Key: `${round}/f${i}.bin`,
              Body: SMALL,
              ContentType: "application/octet-stream",
              IfNoneMatch: "*",
            }),
          ),
      },
      rounds,
    );
    row(`s3: save ${files} x 2 KiB`, s3Save.stowage, s3Save.putObject, "PutObject", "1.1x");
    const last = (side: string) => `r${rounds.reps - 1}-${side}`;
    const readStorage = s3Storage(last("stowage"));
    const s3Read = await compare(
      {
        stowage: async () => (i) => readStorage.read(`f${i}.bin`),
        getObject: async () => async (i) => {
          const result = await client.send(
            new GetObjectCommand({ Bucket: "bench", Key: `${last("putObject")}/f${i}.bin` }),
          );
          return Buffer.from(await result.Body!.transformToByteArray());
        },
      },
      rounds,
    );
    row(`s3: read ${files} x 2 KiB`, s3Read.stowage, s3Read.getObject, "GetObject", "1.1x");

    const endpoint = () => s3rver.endpoint;
    const [rawBig, s3Big] = await bigPair(child, ["raw-s3", "stowage-s3"], endpoint, "bench");
    const s3Base = await bigOnce(child, "baseline-s3", s3rver.endpoint, "bench");
    row(`s3: write ${bigMb} MiB stream`, s3Big.write, rawBig.write, "lib-storage Upload", "1.1x");
    row(`s3: read ${bigMb} MiB stream`, s3Big.read, rawBig.read, "GetObject", "1.1x");
    rss.push(["node + client-s3 + lib-storage, no request", s3Base.maxRssMb, 0]);
    rss.push(["Stowage s3", s3Big.maxRssMb, s3Base.maxRssMb]);
    rss.push(["raw client-s3 + lib-storage", rawBig.maxRssMb, s3Base.maxRssMb]);
  } finally {
    client.destroy();
    await s3rver.stop();
  }
}
