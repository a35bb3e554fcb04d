// Benchmark: the seed's photo job (fit 1920x1080 JPEG q85 + 300x300 centre
// crop) on real Debian wallpapers, Stowage vs Pillow vs vipsthumbnail, all in
// one run. Usage: npm run bench -- images [--quick] [--limit N] [--rounds N]
// With --memory [--case NAME]: the worst-case memory of one decode at the
// default limits instead (memory.ts).
import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    limit: { type: "string" },
    rounds: { type: "string", default: "1" },
    memory: { type: "boolean", default: false },
    case: { type: "string" },
  },
});

if (values.memory) {
  const { runMemoryBenchmark } = await import("./memory.js");
  runMemoryBenchmark(values.case);
  process.exit(0);
}

const PHOTO_DIRS = [
  "/usr/share/backgrounds/mate",
  "/usr/share/backgrounds",
  "/usr/share/desktop-base",
];
const APT_PACKAGES = [
  "mate-backgrounds",
  "ukui-wallpapers",
  "python3-pil",
  "libvips-tools",
  "time",
];
const PYTHON = "/usr/bin/python3";

function ensurePeers(): void {
  const missing = APT_PACKAGES.filter((name) => {
    try {
      execFileSync("dpkg", ["-s", name], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  console.error(`installing ${missing.join(", ")} with apt-get ...`);
  execFileSync("apt-get", ["install", "-y", ...missing], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

function photos(): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(jpe?g|png)$/i.test(entry.name) && statSync(full).size > 50_000) found.add(full);
    }
  };
  for (const dir of PHOTO_DIRS) walk(dir);
  // Same order every run; unique stems so outputs never collide.
  const byStem = new Map<string, string>();
  for (const file of [...found].sort()) {
    const stem = path.basename(file).replace(/\.[^.]+$/, "");
    if (!byStem.has(stem)) byStem.set(stem, file);
  }
  return [...byStem.values()];
}

interface Timing {
  start: number;
  end: number;
  photos: number;
}

/** Runs a command under GNU time; resolves its JSON line and peak RSS in KB. */
function timed(command: string, args: string[]): Promise<{ timing: Timing; rssKb: number }> {
  const stats = path.join(mkdtempSync(path.join(tmpdir(), "stowage-bench-time-")), "rss");
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", stats, command, ...args], {
      cwd: repo,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${command} exited with ${code}`));
      const line = out.trim().split("\n").at(-1) ?? "";
      const rssKb = Number(readFileSync(stats, "utf8").trim().split("\n").at(-1));
      rmSync(path.dirname(stats), { recursive: true, force: true });
      resolve({ timing: JSON.parse(line) as Timing, rssKb });
    });
  });
}

interface Result {
  name: string;
  photosPerSecond: number;
  rssMb: number;
}

/** Splits the photos over `processes` copies of one runner started together. */
async function measure(
  name: string,
  files: string[],
  processes: number,
  make: (list: string, out: string) => [string, string[]],
): Promise<Result> {
  const work = mkdtempSync(path.join(tmpdir(), "stowage-bench-images-"));
  try {
    const runs = Array.from({ length: processes }, (_, index) => {
      const list = path.join(work, `list-${index}.txt`);
      writeFileSync(list, files.filter((_, i) => i % processes === index).join("\n"));
      const [command, args] = make(list, work);
      return timed(command, args);
    });
    const done = await Promise.all(runs);
    const start = Math.min(...done.map((run) => run.timing.start));
    const end = Math.max(...done.map((run) => run.timing.end));
    const photosDone = done.reduce((sum, run) => sum + run.timing.photos, 0);
    const rssKb = done.reduce((sum, run) => sum + run.rssKb, 0);
    return { name, photosPerSecond: (photosDone * 1000) / (end - start), rssMb: rssKb / 1024 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const VIPS_LOOP = `
start=$(date +%s%3N); n=0
while IFS= read -r f; do
  [ -z "$f" ] && continue
  vipsthumbnail "$f" --size '1920x1080>' -o "$2/%s-large.jpg[Q=85]"
  vipsthumbnail "$f" --size 300x300 --smartcrop centre -o "$2/%s-thumb.jpg[Q=85]"
  n=$((n+1))
done < "$1"
echo "{\\"start\\": $start, \\"end\\": $(date +%s%3N), \\"photos\\": $n}"
`;

const tsx = path.join(repo, "node_modules/.bin/tsx");
const worker = path.join(here, "stowage-worker.ts");
const pillow = path.join(here, "pillow_job.py");
const RUNNERS: [string, number, (list: string, out: string) => [string, string[]]][] = [
  ["Stowage, 1 process, 1 photo at a time", 1, (list, out) => [tsx, [worker, list, out, "1"]]],
  ["Stowage, 1 process, 2 photos at a time", 1, (list, out) => [tsx, [worker, list, out, "2"]]],
  ["Pillow, 1 process", 1, (list, out) => [PYTHON, [pillow, list, out]]],
  ["Pillow, 2 processes", 2, (list, out) => [PYTHON, [pillow, list, out]]],
  ["vipsthumbnail, per file", 1, (list, out) => ["sh", ["-c", VIPS_LOOP, "vips", list, out]]],
];

ensurePeers();
let files = photos();
const limit = values.limit !== undefined ? Number(values.limit) : values.quick ? 8 : files.length;
files = files.slice(0, limit);
const rounds = Number(values.rounds);
if (files.length === 0)
  throw new Error("No JPEG/PNG wallpapers found; install mate-backgrounds and ukui-wallpapers.");
console.error(`${files.length} photos, ${rounds} round(s) per runner`);

const results: Result[] = [];
for (const [name, processes, make] of RUNNERS) {
  let best: Result | undefined;
  for (let round = 0; round < rounds; round++) {
    const result = await measure(name, files, processes, make);
    if (best === undefined || result.photosPerSecond > best.photosPerSecond) best = result;
  }
  results.push(best!);
  console.error(`  ${name}: ${best!.photosPerSecond.toFixed(2)} photos/s`);
}

const pillowOne = results.find((r) => r.name === "Pillow, 1 process")!.photosPerSecond;
const pillowTwo = results.find((r) => r.name === "Pillow, 2 processes")!.photosPerSecond;
console.log(
  `\nThe seed's job on ${files.length} Debian wallpapers (fit 1920x1080 JPEG q85 + 300x300 centre crop), best of ${rounds}:\n`,
);
console.log(
  "| runner | photos/s | vs Pillow 1 proc | vs Pillow 2 procs | peak RSS (MB, summed over processes) |",
);
console.log("|---|---:|---:|---:|---:|");
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.photosPerSecond.toFixed(2)} | ${(r.photosPerSecond / pillowOne).toFixed(2)}x | ${(r.photosPerSecond / pillowTwo).toFixed(2)}x | ${r.rssMb.toFixed(0)} |`,
  );
}
