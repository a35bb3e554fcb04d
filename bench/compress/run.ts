// Precompression alone: Stowage's compressor (brotli q10 + gzip 9 on every
// core) against WhiteNoise's compressor (`python3 -m whitenoise.compress`,
// brotli q11 + gzip 9, one file at a time), on the same files, in one run.
// Also prints the single-thread brotli quality sweep behind the default.
//
//   npm run bench -- compress [--quick] [--dir PATH]
//
// The compressor is measured from dist/ (built first, incrementally).
// --dir defaults to bench/.work/corpus (laid out by `npm run bench -- collect`)
// and falls back to Django admin's static files; --quick uses only those.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import zlib from "node:zlib";

const HERE = path.dirname(fileURLToPath(import.meta.url));

// The compressor runs its worker from the built package (a thread cannot load
// TypeScript), so measure dist/ after an incremental build.
spawnSync("npm", ["run", "--silent", "build"], { cwd: path.join(HERE, "../.."), stdio: "inherit" });
const { createCompressor, shouldCompress } = (await import(
  path.join(HERE, "../../dist/static/compress/index.js")
)) as typeof import("../../src/static/compress/index.js");
const ADMIN = "/usr/lib/python3/dist-packages/django/contrib/admin/static";
const PYTHON = "/usr/bin/python3"; // Debian's, where python3-whitenoise and python3-brotli live

const { values } = parseArgs({ options: { quick: { type: "boolean" }, dir: { type: "string" } } });
const defaultDir = path.join(HERE, "../.work/corpus");
const dir = values.dir ?? (!values.quick && existsSync(defaultDir) ? defaultDir : ADMIN);

function walk(root: string, rel = ""): string[] {
  return readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((entry) => {
    const child = path.join(rel, entry.name);
    const full = path.join(root, child);
    if (statSync(full).isDirectory()) return walk(root, child);
    return [child.split(path.sep).join("/")];
  });
}

const files = walk(dir).map((rel) => ({ rel, content: readFileSync(path.join(dir, rel)) }));
const total = files.reduce((sum, f) => sum + f.content.byteLength, 0);
console.log(
  `corpus: ${dir}: ${files.length} files, ${(total / 2 ** 20).toFixed(1)} MiB; ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}`,
);

const rows: [string, number, number][] = [];

// Stowage: everything compressible, on every core.
{
  const compressor = createCompressor({ formats: ["br", "gzip"] });
  const started = performance.now();
  const outcomes = await compressor.compress(
    files.map((f) => ({ id: f.rel, path: f.rel, content: f.content })),
  );
  const seconds = (performance.now() - started) / 1000;
  await compressor.close();
  const brBytes = outcomes.reduce((sum, o) => sum + (o.variants.br?.byteLength ?? 0), 0);
  rows.push(["Stowage createCompressor (br q10 + gzip 9, all cores)", seconds, brBytes]);
}

// WhiteNoise on a private copy (it writes .br/.gz beside each file).
{
  const copy = mkdtempSync(path.join(os.tmpdir(), "stowage-bench-compress-"));
  try {
    cpSync(dir, copy, { recursive: true, dereference: true });
    const started = performance.now();
    const result = spawnSync(PYTHON, ["-m", "whitenoise.compress", "-q", copy], {
      stdio: "inherit",
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 0)
      throw new Error(
        "whitenoise.compress failed: apt-get install -y python3-whitenoise python3-brotli",
      );
    const brBytes = walk(copy)
      .filter((rel) => rel.endsWith(".br"))
      .reduce((sum, rel) => sum + statSync(path.join(copy, rel)).size, 0);
    rows.push(["WhiteNoise whitenoise.compress (br q11 + gzip 9, 1 core)", seconds, brBytes]);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const [ours, peer] = rows;
console.log("\n| compressor | seconds | .br bytes | time vs WhiteNoise |\n|---|---:|---:|---:|");
for (const [name, seconds, brBytes] of rows) {
  const ratio = name === peer[0] ? "1.0x" : `${(peer[1] / seconds).toFixed(1)}x faster`;
  console.log(`| ${name} | ${seconds.toFixed(2)} | ${brBytes} | ${ratio} |`);
}
console.log(`\n.br size, Stowage vs WhiteNoise: ${((ours[2] / peer[2] - 1) * 100).toFixed(2)}%`);

// Why quality 10: one thread, brotli only, compressible files.
const text = files.filter((f) => shouldCompress(f.rel, f.content.byteLength));
const textBytes = text.reduce((sum, f) => sum + f.content.byteLength, 0);
console.log(
  `\n| brotli quality (1 thread, ${text.length} files) | seconds | bytes | % of original |\n|---|---:|---:|---:|`,
);
for (const quality of [11, 10, 9, 5]) {
  const started = performance.now();
  let bytes = 0;
  for (const f of text) {
    bytes += zlib.brotliCompressSync(f.content, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality },
    }).byteLength;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `| q${quality} | ${seconds.toFixed(2)} | ${bytes} | ${((bytes / textBytes) * 100).toFixed(2)}% |`,
  );
}
