// Upload throughput: one large file in a multipart POST over loopback (curl -F),
// Stowage vs bare busboy -> fs, multer, formidable and Django 3.2 on gunicorn.
// Usage: npm run bench -- upload [--size MiB] [--runs N] [--quick] [--only a,b]
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const work = path.join(repo, "bench/.work/upload");

const { values } = parseArgs({
  options: {
    size: { type: "string" },
    runs: { type: "string" },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const sizeMiB = Number(values.size ?? (values.quick ? 64 : 1024));
const runs = Number(values.runs ?? (values.quick ? 1 : 3));
const kinds = (values.only ?? "stowage,busboy,multer,formidable,django").split(",");

async function makeInput(): Promise<string> {
  const file = path.join(work, `input-${sizeMiB}MiB.bin`);
  if (existsSync(file) && statSync(file).size === sizeMiB * 1024 * 1024) return file;
  mkdirSync(work, { recursive: true });
  const out = createWriteStream(file);
  for (let index = 0; index < sizeMiB; index += 1) {
    if (!out.write(randomBytes(1024 * 1024)))
      await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return file;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

interface Running {
  child: ChildProcess;
  port: number;
  /** The process whose memory is measured (gunicorn's worker, not its master). */
  pid: number;
}

async function start(kind: string, outDir: string, tmpDir: string): Promise<Running> {
  if (kind === "django") {
    const port = await freePort();
    const child = spawn(
      "gunicorn",
      [
        "-w",
        "1",
        "-b",
        `127.0.0.1:${port}`,
        "--timeout",
        "600",
        "--chdir",
        here,
        "django_app:application",
      ],
      {
        env: { ...process.env, BENCH_OUT_DIR: outDir, BENCH_TMP_DIR: tmpDir },
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    await waitForPort(port);
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8")
      .trim()
      .split(/\s+/);
    return { child, port, pid: Number(children[0]) };
  }
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "servers.ts"), kind, outDir, tmpDir],
    {
      cwd: repo,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { child, port, pid: child.pid! };
}

function memoryKiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
}

function curl(port: number, file: string): Promise<{ status: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      "curl",
      [
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{time_total}",
        "-H",
        "Expect:",
        "-F",
        `file=@${file};type=application/octet-stream`,
        `http://127.0.0.1:${port}/upload`,
      ],
      { maxBuffer: 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const [status, seconds] = stdout.trim().split(" ");
        resolve({ status: Number(status), seconds: Number(seconds) });
      },
    );
  });
}

const median = (numbers: number[]) =>
  [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

async function main(): Promise<void> {
  const input = await makeInput();
  const bytes = statSync(input).size;
  const rows: { kind: string; mbps: number; peakMiB: number; growthMiB: number }[] = [];
  for (const kind of kinds) {
    const outDir = path.join(work, `out-${kind}`);
    const tmpDir = path.join(work, `tmp-${kind}`);
    for (const dir of [outDir, tmpDir]) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
    const server = await start(kind, outDir, tmpDir);
    try {
      await curl(server.port, path.join(here, "django_app.py")); // warm-up: a tiny file
      rmSync(outDir, { recursive: true, force: true });
      mkdirSync(outDir, { recursive: true });
      // Reset the high-water mark so start-up (tsx compiling, Django importing) does not count.
      writeFileSync(`/proc/${server.pid}/clear_refs`, "5");
      const baseline = memoryKiB(server.pid, "VmRSS");
      const speeds: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        const { status, seconds } = await curl(server.port, input);
        if (status !== 200) throw new Error(`${kind} answered ${status}`);
        speeds.push(bytes / 1e6 / seconds);
        rmSync(outDir, { recursive: true, force: true });
        mkdirSync(outDir, { recursive: true });
      }
      const peak = memoryKiB(server.pid, "VmHWM");
      rows.push({
        kind,
        mbps: median(speeds),
        peakMiB: peak / 1024,
        growthMiB: (peak - baseline) / 1024,
      });
      console.error(`${kind}: ${speeds.map((speed) => speed.toFixed(0)).join(", ")} MB/s`);
    } finally {
      server.child.kill("SIGTERM");
      await new Promise((resolve) => server.child.once("exit", resolve));
      rmSync(outDir, { recursive: true, force: true });
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  const reference = rows.find((row) => row.kind === "busboy")?.mbps;
  console.log(
    `\nUpload of one ${sizeMiB} MiB file, curl -F over loopback, median of ${runs} (MB = 10^6 bytes)\n`,
  );
  console.log("| server | MB/s | vs bare busboy | peak RSS (MiB) | RSS growth (MiB) |");
  console.log("|---|---:|---:|---:|---:|");
  for (const row of rows) {
    const ratio = reference ? `${(row.mbps / reference).toFixed(2)}x` : "n/a";
    console.log(
      `| ${row.kind} | ${row.mbps.toFixed(0)} | ${ratio} | ${row.peakMiB.toFixed(1)} | ${row.growthMiB.toFixed(1)} |`,
    );
  }
}

await main();
