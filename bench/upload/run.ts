// Upload throughput: one large file in a multipart POST over loopback (curl -F),
// Stowage vs bare busboy -> fs (with and without a sha256), multer, formidable and
// Django 3.2 on gunicorn.
// Every server is started first and warmed up with one upload; then each round
// sends the same curl command to every server, the order rotating from round to
// round so a change in machine load does not favour one server. Medians are
// reported, with the server's CPU time per GiB (robust on a busy machine).
// Usage: npm run bench -- upload [--size MiB] [--runs N] [--quick] [--only a,b]
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cpuSeconds, memoryKiB, randomInput } from "../support/proc.js";

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
// busboy-sha256 is bare busboy plus a sha256 of the file: the like-for-like floor for Stowage,
// which hashes every upload; the gap between the two busboy rows is what the hash costs.
const kinds = (values.only ?? "stowage,busboy,busboy-sha256,multer,formidable,django").split(",");
/** The warm-up upload: big enough to get every server's hot path compiled and its heap grown. */
const warmUpMiB = Math.min(sizeMiB, 256);

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

const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(", ");

interface Server extends Running {
  kind: string;
  outDir: string;
  tmpDir: string;
  baselineKiB: number;
  speeds: number[];
  cpuPerGiB: number[];
}

function resetDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

async function upload(server: Server, file: string): Promise<number> {
  const { status, seconds } = await curl(server.port, file);
  if (status !== 200) throw new Error(`${server.kind} answered ${status}`);
  resetDir(server.outDir);
  return seconds;
}

async function main(): Promise<void> {
  const input = await randomInput(work, sizeMiB);
  const warmUp = await randomInput(work, warmUpMiB);
  const bytes = statSync(input).size;
  const loadBefore = loadAverage();
  const servers: Server[] = [];
  try {
    for (const kind of kinds) {
      const outDir = path.join(work, `out-${kind}`);
      const tmpDir = path.join(work, `tmp-${kind}`);
      resetDir(outDir);
      resetDir(tmpDir);
      const running = await start(kind, outDir, tmpDir);
      servers.push({ ...running, kind, outDir, tmpDir, baselineKiB: 0, speeds: [], cpuPerGiB: [] });
    }
    for (const server of servers) {
      // Growth is measured from the idle server, so the warm-up's growth counts too; the
      // high-water mark is reset so start-up (tsx compiling, Django importing) does not.
      server.baselineKiB = memoryKiB(server.pid, "VmRSS");
      writeFileSync(`/proc/${server.pid}/clear_refs`, "5");
      await upload(server, warmUp);
    }
    for (let round = 0; round < runs; round += 1) {
      const order = servers.map((_, index) => servers[(index + round) % servers.length]);
      for (const server of order) {
        const cpuBefore = cpuSeconds(server.pid);
        const seconds = await upload(server, input);
        server.cpuPerGiB.push(((cpuSeconds(server.pid) - cpuBefore) * 2 ** 30) / bytes);
        server.speeds.push(bytes / 1e6 / seconds);
      }
      console.error(
        `round ${round + 1}: ${order.map((s) => `${s.kind} ${s.speeds.at(-1)!.toFixed(0)}`).join(", ")} MB/s`,
      );
    }
    const peaks = servers.map((server) => memoryKiB(server.pid, "VmHWM"));
    report(servers, peaks, loadBefore);
  } finally {
    for (const server of servers) {
      server.child.kill("SIGTERM");
      await new Promise((resolve) => server.child.once("exit", resolve));
      rmSync(server.outDir, { recursive: true, force: true });
      rmSync(server.tmpDir, { recursive: true, force: true });
    }
  }
}

function report(servers: Server[], peaks: number[], loadBefore: string): void {
  const reference = servers.find((server) => server.kind === "busboy");
  const referenceSpeed = reference && median(reference.speeds);
  console.log(
    `\nUpload of one ${sizeMiB} MiB file, curl -F over loopback, median of ${runs} rounds (rotating order, after a ${warmUpMiB} MiB warm-up per server; MB = 10^6 bytes)`,
  );
  console.log(
    `Load average before: ${loadBefore}; after: ${loadAverage()} (${os.cpus().length} CPUs)\n`,
  );
  console.log(
    "| server | MB/s | vs bare busboy | server CPU s per GiB | peak RSS (MiB) | RSS growth (MiB) |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  servers.forEach((server, index) => {
    const speed = median(server.speeds);
    const ratio = referenceSpeed ? `${(speed / referenceSpeed).toFixed(2)}x` : "n/a";
    const peakMiB = peaks[index] / 1024;
    const growthMiB = (peaks[index] - server.baselineKiB) / 1024;
    console.log(
      `| ${server.kind} | ${speed.toFixed(0)} | ${ratio} | ${median(server.cpuPerGiB).toFixed(2)} | ${peakMiB.toFixed(1)} | ${growthMiB.toFixed(1)} |`,
    );
  });
}

await main();
