/** Load (wrk), CPU per request and peak RSS of a server process tree, from /proc. */
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A process and its descendants (gunicorn's worker). */
function processTree(pid: number): number[] {
  const all = [pid];
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    for (const child of children.split(/\s+/)) if (child) all.push(...processTree(Number(child)));
  } catch {
    // The process is gone.
  }
  return all;
}

/** Peak RSS (VmHWM) of a process and its descendants, in MiB. */
export function peakRss(pid: number): number {
  let kib = 0;
  for (const id of processTree(pid)) {
    try {
      kib += Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${id}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // The process is gone.
    }
  }
  return kib / 1024;
}

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/**
 * CPU time (user + system) of a process tree, in microseconds. Divided by the
 * requests served it gives a cost per request that, unlike requests/s, holds
 * up on a machine other work is loading.
 */
function cpuMicros(pid: number): number {
  let ticks = 0;
  for (const id of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process is gone.
    }
  }
  return (ticks * 1e6) / CLOCK_TICKS;
}

export interface Probe {
  status: number;
  encoding: string;
  bytes: number;
}

export function probe(port: number, target: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    http
      .get(
        { host: "127.0.0.1", port, path: target, headers: { "Accept-Encoding": "br, gzip" } },
        (res) => {
          let bytes = 0;
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
          });
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              encoding: String(res.headers["content-encoding"] ?? "identity"),
              bytes,
            }),
          );
        },
      )
      .once("error", reject);
  });
}

export interface Load {
  rps: number;
  p99: string;
  errors: boolean;
  /** Server CPU per request, in microseconds. */
  cpu: number;
}

export async function wrk(
  port: number,
  target: string,
  seconds: number,
  connections: number,
  pid: number,
): Promise<Load> {
  const cpuBefore = cpuMicros(pid);
  const { stdout } = await run(
    "wrk",
    [
      "-t1",
      `-c${connections}`,
      `-d${seconds}s`,
      "--latency",
      "-H",
      "Accept-Encoding: br, gzip",
      `http://127.0.0.1:${port}${target}`,
    ],
    {
      maxBuffer: 1 << 20,
    },
  );
  const cpu = cpuMicros(pid) - cpuBefore;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
  const p99 = /\s99%\s+(\S+)/.exec(stdout)?.[1] ?? "?";
  return {
    rps,
    p99,
    errors: /Non-2xx|Socket errors/.test(stdout),
    cpu: requests ? cpu / requests : 0,
  };
}
