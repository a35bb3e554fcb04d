// Large uploads: the same file sent (1) through the app as a multipart POST,
// (2) straight to S3 (s3rver) with a presigned POST, (3) over tus to local
// disk, cut at 50% and resumed. Measures the upload's speed and what the
// app process spends meanwhile (CPU seconds and RSS growth from /proc), then
// the confirm step on its own.
// Usage: npm run bench -- direct [--size MiB] [--quick] [--only normal,direct-s3,tus-disk]
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createReadStream, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { PreparedUpload } from "../../src/uploads/direct/index.js";
import { startS3rver } from "../../test/storage/services/start.js";
import { cpuSeconds, memoryKiB, randomInput } from "../support/proc.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const work = path.join(repo, "bench/.work/direct");

const { values } = parseArgs({
  options: {
    size: { type: "string" },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const sizeMiB = Number(values.size ?? (values.quick ? 64 : 1024));
const kinds = (values.only ?? "normal,direct-s3,tus-disk").split(",");
const warmUpMiB = Math.min(sizeMiB, 64);

interface App {
  child: ChildProcess;
  pid: number;
  base: string;
}

async function startApp(kind: string, dir: string, s3Endpoint: string): Promise<App> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "app.ts"), kind, dir, s3Endpoint],
    {
      cwd: repo,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const ready = /ready (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    child.once("exit", (code) => reject(new Error(`${kind} app exited with ${code}`)));
  });
  return { child, pid: child.pid!, base: `http://127.0.0.1:${port}` };
}

/** Measures `work` in the app: wall seconds, CPU seconds, and peak RSS over the RSS before it. */
async function measured<T>(app: App, work: () => Promise<T>) {
  const rssBefore = memoryKiB(app.pid, "VmRSS");
  writeFileSync(`/proc/${app.pid}/clear_refs`, "5");
  const cpuBefore = cpuSeconds(app.pid);
  const started = performance.now();
  const result = await work();
  return {
    result,
    seconds: (performance.now() - started) / 1000,
    cpu: cpuSeconds(app.pid) - cpuBefore,
    growthMiB: (memoryKiB(app.pid, "VmHWM") - rssBefore) / 1024,
  };
}

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "curl",
      ["-s", "-H", "Expect:", "-w", "%{http_code}", "-o", "/dev/null", ...args],
      (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
    );
  });
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as T;
  if (!response.ok)
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** A PATCH of the file from `offset`, streamed from disk; with `cutAt`, the connection closes there. */
function patch(
  url: string,
  file: string,
  offset: number,
  size: number,
  cutAt?: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "PATCH",
      headers: {
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": String(offset),
        "Content-Type": "application/offset+octet-stream",
        "Content-Length": String(size - offset),
      },
    });
    const end = cutAt === undefined ? undefined : cutAt - 1;
    const body = createReadStream(file, { start: offset, end, highWaterMark: 1024 * 1024 });
    let sent = 0;
    body.on("data", (chunk) => {
      sent += chunk.length;
    });
    if (cutAt === undefined) {
      req.on("response", (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 204
            ? resolve(sent)
            : reject(new Error(`PATCH answered ${res.statusCode}`)),
        );
      });
      req.on("error", reject);
      body.pipe(req);
    } else {
      req.on("error", () => undefined);
      body.pipe(req, { end: false });
      body.on("end", () => {
        req.destroy();
        resolve(sent);
      });
    }
  });
}

async function tusOffset(url: string): Promise<number> {
  const head = await fetch(url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
  return Number(head.headers.get("upload-offset"));
}

interface Row {
  kind: string;
  label: string;
  mbps: number;
  cpu: number;
  growthMiB: number;
  sentRatio: number;
  confirmSeconds?: number;
  confirmCpu?: number;
}

async function once(kind: string, app: App, file: string): Promise<Omit<Row, "label">> {
  const size = statSync(file).size;
  if (kind === "normal") {
    const upload = await measured(app, () =>
      curl(["-F", `file=@${file};type=application/octet-stream`, `${app.base}/upload`]),
    );
    if (upload.result !== "200") throw new Error(`upload answered ${upload.result}`);
    return {
      kind,
      mbps: size / 1e6 / upload.seconds,
      cpu: upload.cpu,
      growthMiB: upload.growthMiB,
      sentRatio: 1,
    };
  }
  const method = kind === "tus-disk" ? "tus" : "direct";
  const prepared = await postJson<PreparedUpload>(`${app.base}/prepare`, {
    field: "file",
    filename: "big.bin",
    size,
    method,
  });
  let sent = size;
  const upload = await measured(app, async () => {
    const target = prepared.upload;
    if (target.method === "POST") {
      const fields = Object.entries(target.fields).flatMap(([key, value]) => [
        "--form-string",
        `${key}=${value}`,
      ]);
      const status = await curl([
        ...fields,
        "-F",
        `file=@${file};type=application/octet-stream`,
        target.url,
      ]);
      if (!status.startsWith("2")) throw new Error(`s3rver answered ${status}`);
      return;
    }
    if (target.method !== "TUS") throw new Error(`unexpected ${target.method}`);
    const metadata = Object.entries(target.metadata)
      .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
      .join(",");
    const created = await fetch(new URL(prepared.upload.url, app.base), {
      method: "POST",
      headers: {
        "Tus-Resumable": "1.0.0",
        "Upload-Length": String(size),
        "Upload-Metadata": metadata,
      },
    });
    const url = new URL(created.headers.get("location")!, app.base).href;
    sent = await patch(url, file, 0, size, Math.floor(size / 2));
    let offset = await tusOffset(url);
    for (;;) {
      try {
        sent += await patch(url, file, offset, size);
        return;
      } catch {
        // The server was still finishing the cut request: ask again where it stands.
        offset = await tusOffset(url);
      }
    }
  });
  const confirm = await measured(app, () =>
    postJson(`${app.base}/confirm`, { ticket: prepared.ticket }),
  );
  return {
    kind,
    mbps: size / 1e6 / upload.seconds,
    cpu: upload.cpu,
    growthMiB: upload.growthMiB,
    sentRatio: sent / size,
    confirmSeconds: confirm.seconds,
    confirmCpu: confirm.cpu,
  };
}

const LABELS: Record<string, string> = {
  normal: "multipart POST through the app (fs)",
  "direct-s3": "direct: presigned POST to s3rver",
  "tus-disk": "tus to local disk, cut at 50% and resumed",
};

async function main(): Promise<void> {
  const input = await randomInput(work, sizeMiB);
  const warmUp = await randomInput(work, warmUpMiB);
  const loadBefore = os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(", ");
  const s3rver = await startS3rver(["bench"]);
  const rows: Row[] = [];
  try {
    for (const kind of kinds) {
      const dir = path.join(work, kind);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(path.join(dir, "tmp"), { recursive: true });
      const app = await startApp(kind, dir, s3rver.endpoint);
      try {
        await once(kind, app, warmUp);
        const row = await once(kind, app, input);
        rows.push({ ...row, label: LABELS[kind] });
        console.error(`${kind}: ${row.mbps.toFixed(0)} MB/s`);
      } finally {
        app.child.kill("SIGTERM");
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await s3rver.stop();
  }
  const gib = (sizeMiB * 1024 * 1024) / 1024 ** 3;
  const lines = [
    `\nOne ${sizeMiB} MiB file of random bytes over loopback (curl for the POSTs, a Node client for tus), after a ${warmUpMiB} MiB warm-up; the app's CPU and peak RSS over its RSS just before the upload, from /proc. Load before: ${loadBefore}; ${os.cpus().length} CPUs.\n`,
    "| upload | MB/s | app CPU s | app CPU s / GiB | app RSS growth MiB | bytes sent / size | confirm s | confirm app CPU s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (row) =>
        `| ${row.label} | ${row.mbps.toFixed(0)} | ${row.cpu.toFixed(2)} | ${(row.cpu / gib).toFixed(2)} | ${row.growthMiB.toFixed(1)} | ${row.sentRatio.toFixed(3)} | ${row.confirmSeconds?.toFixed(2) ?? "-"} | ${row.confirmCpu?.toFixed(2) ?? "-"} |`,
    ),
    "\nTargets: direct upload app RSS growth < 10 MB and < 0.2 CPU s per GiB; tus resumed after a cut sends < 1.1x the file.",
  ];
  console.log(lines.join("\n"));
}

await main();
