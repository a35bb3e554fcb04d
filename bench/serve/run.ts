/**
 * Static serving benchmark: Stowage's adapters against sirv, serve-static,
 * @fastify/static, express-static-gzip, WhiteNoise on gunicorn and nginx, on
 * the same collected root, with the same load generator (wrk), in one run.
 *
 *   npm run bench -- serve [--quick] [--duration 10] [--connections 50] [--only a,b]
 *
 * Needs Debian wrk, nginx, libnginx-mod-http-brotli-static, gunicorn, python3-whitenoise.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { renderNginxServer } from "../../src/deploy/nginx.js";
import { freePort, nginxMissing, startNginx } from "../../test/deploy/support/nginx.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    duration: { type: "string" },
    connections: { type: "string" },
    only: { type: "string" },
  },
});
const duration = Number(values.duration ?? (values.quick ? 3 : 10));
const connections = Number(values.connections ?? 50);
const HASHED_CSS = "css/app.3f2a9c1b7d4e.css";
const FONT = "fonts/inter.woff2";

/** A collected root: a ~25 KB hashed CSS with .br/.gz, and a ~100 KB font without variants. */
function buildRoot(dir: string): void {
  const rules: string[] = [];
  for (let i = 0; rules.join("").length < 25_000; i++) {
    rules.push(
      `.c-${i} { margin: ${i % 17}px ${i % 5}rem; color: #${((i * 2654435761) >>> 8).toString(16).padStart(6, "0").slice(0, 6)}; }\n`,
    );
  }
  const css = Buffer.from(rules.join(""));
  mkdirSync(path.join(dir, "css"), { recursive: true });
  mkdirSync(path.join(dir, "fonts"), { recursive: true });
  writeFileSync(path.join(dir, HASHED_CSS), css);
  writeFileSync(
    path.join(dir, `${HASHED_CSS}.br`),
    brotliCompressSync(css, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
  writeFileSync(path.join(dir, `${HASHED_CSS}.gz`), gzipSync(css, { level: 9 }));
  writeFileSync(path.join(dir, "css/app.css"), css);
  // woff2 is already compressed: random bytes stand in for it.
  writeFileSync(path.join(dir, FONT), randomBytes(100 * 1024));
  writeFileSync(
    path.join(dir, "staticfiles.json"),
    JSON.stringify({
      paths: { "css/app.css": HASHED_CSS, [FONT]: FONT },
      version: "1.1",
      hash: "bench",
    }),
  );
}

interface Server {
  name: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, text: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      if (out.includes(text)) resolve();
    });
    child.stderr?.on("data", (chunk) => {
      err += chunk;
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}: ${err}`)));
  });
}

async function waitForHttp(port: number, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: "127.0.0.1", port, path: "/" }, (res) => {
          res.resume();
          resolve(true);
        })
        .once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not start on ${port}`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
}

async function startNode(kind: string, root: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "server.ts"), kind, root, String(port)],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
  await waitForLine(child, "ready", kind);
  return { name: kind, port, pid: child.pid!, stop: stopper(child) };
}

async function startWhiteNoise(root: string, work: string): Promise<Server> {
  const port = await freePort();
  const app = path.join(work, "wsgi");
  mkdirSync(app, { recursive: true });
  writeFileSync(
    path.join(app, "app.py"),
    [
      "from whitenoise import WhiteNoise",
      "def not_found(environ, start_response):",
      "    start_response('404 Not Found', [('Content-Type', 'text/plain')])",
      "    return [b'not found']",
      `application = WhiteNoise(not_found, root=${JSON.stringify(root)}, prefix='static/', immutable_file_test=r'\\.[0-9a-f]{12}\\.')`,
      "",
    ].join("\n"),
  );
  const child = spawn(
    "/usr/bin/gunicorn",
    [
      "-w",
      "1",
      "-b",
      `127.0.0.1:${port}`,
      "--chdir",
      app,
      "--log-level",
      "warning",
      "app:application",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  await waitForHttp(port, "whitenoise");
  return { name: "whitenoise (gunicorn, 1 worker)", port, pid: child.pid!, stop: stopper(child) };
}

async function startNginxServer(root: string): Promise<Server> {
  const port = await freePort();
  const nginx = await startNginx(
    renderNginxServer({ listen: `127.0.0.1:${port}`, staticUrl: "/static/", staticRoot: root }),
    port,
  );
  return { name: "nginx (1 worker)", port, pid: nginx.process.pid!, stop: nginx.stop };
}

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
function peakRss(pid: number): number {
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

interface Probe {
  status: number;
  encoding: string;
  bytes: number;
}

function probe(port: number, target: string): Promise<Probe> {
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

interface Load {
  rps: number;
  p99: string;
  errors: boolean;
  /** Server CPU per request, in microseconds. */
  cpu: number;
}

async function wrk(port: number, target: string, seconds: number, pid: number): Promise<Load> {
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

interface Row {
  name: string;
  css?: Load;
  font?: Load;
  cssProbe?: Probe;
  rss?: number;
  note?: string;
}

const NODE_KINDS = [
  "stowage-node",
  "stowage-express",
  "stowage-fastify",
  "stowage-hono",
  "sirv",
  "serve-static",
  "@fastify/static",
  "express-static-gzip",
];

async function main(): Promise<void> {
  const missing = ["wrk", "gunicorn"].filter((tool) => {
    try {
      execFileSync("which", [tool], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.includes("wrk")) throw new Error("wrk is not installed: apt-get install -y wrk");
  const work = mkdtempSync(path.join(tmpdir(), "stowage-bench-serve-"));
  const root = path.join(work, "staticfiles");
  buildRoot(root);
  const only = values.only?.split(",");
  const starters: Array<[string, () => Promise<Server>]> = [
    ...NODE_KINDS.map((kind): [string, () => Promise<Server>] => [
      kind,
      () => startNode(kind, root),
    ]),
    ["whitenoise", () => startWhiteNoise(root, work)],
    ["nginx", () => startNginxServer(root)],
    ["constant", () => startNode("constant", root)],
  ];
  const rows: Row[] = [];
  try {
    for (const [key, startServer] of starters) {
      if (only && !only.includes(key)) continue;
      if (key === "whitenoise" && missing.includes("gunicorn")) {
        rows.push({ name: key, note: "skipped: apt-get install -y gunicorn python3-whitenoise" });
        continue;
      }
      if (key === "nginx" && nginxMissing()) {
        rows.push({ name: key, note: `skipped: ${nginxMissing()}` });
        continue;
      }
      const server = await startServer();
      const row: Row = { name: server.name };
      try {
        if (key === "constant") {
          await wrk(server.port, "/", 1, server.pid);
          row.css = await wrk(server.port, "/", duration, server.pid);
          row.note = "bare node:http answering a constant (reference)";
        } else {
          row.cssProbe = await probe(server.port, `/static/${HASHED_CSS}`);
          const font = await probe(server.port, `/static/${FONT}`);
          if (row.cssProbe.status !== 200 || font.status !== 200) {
            throw new Error(`${server.name} answered ${row.cssProbe.status}/${font.status}`);
          }
          await wrk(server.port, `/static/${HASHED_CSS}`, 1, server.pid);
          row.css = await wrk(server.port, `/static/${HASHED_CSS}`, duration, server.pid);
          row.font = await wrk(server.port, `/static/${FONT}`, duration, server.pid);
        }
        row.rss = peakRss(server.pid);
      } finally {
        await server.stop();
      }
      rows.push(row);
      process.stderr.write(
        `${row.name}: css ${row.css?.rps.toFixed(0)} req/s, font ${row.font?.rps.toFixed(0) ?? "-"} req/s\n`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  printTable(rows);
}

function printTable(rows: Row[]): void {
  const byName = (prefix: string) => rows.find((row) => row.name.startsWith(prefix));
  const sirv = byName("sirv");
  const ratio = (value: number | undefined, base: number | undefined) =>
    value && base ? `${(value / base).toFixed(2)}x` : "-";
  const lines = [
    `wrk -t1 -c${connections} -d${duration}s, Accept-Encoding: br, gzip, loopback, ${new Date().toISOString()}`,
    "",
    "| server | CSS enc | CSS req/s | CSS p99 | CSS CPU µs/req | font req/s | font p99 | font CPU µs/req | peak RSS MiB | CSS vs sirv | font vs sirv | note |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.name} | ${row.cssProbe?.encoding ?? "-"} | ${row.css?.rps.toFixed(0) ?? "-"} | ${row.css?.p99 ?? "-"} | ${row.css?.cpu.toFixed(0) ?? "-"} | ${row.font?.rps.toFixed(0) ?? "-"} | ${row.font?.p99 ?? "-"} | ${row.font?.cpu.toFixed(0) ?? "-"} | ${row.rss?.toFixed(0) ?? "-"} | ${ratio(row.css?.rps, sirv?.css?.rps)} | ${ratio(row.font?.rps, sirv?.font?.rps)} | ${[row.note, row.css?.errors || row.font?.errors ? "wrk saw errors" : ""].filter(Boolean).join("; ")} |`,
    );
  }
  const node = byName("stowage-node");
  const targets: Array<[string, number | undefined, number | undefined, number]> = [
    ["stowage-node / sirv, CSS", node?.css?.rps, sirv?.css?.rps, 3],
    ["stowage-node / sirv, font", node?.font?.rps, sirv?.font?.rps, 2],
    ["stowage-node / nginx, CSS", node?.css?.rps, byName("nginx")?.css?.rps, 0.6],
    [
      "stowage-express / serve-static, CSS",
      byName("stowage-express")?.css?.rps,
      byName("serve-static")?.css?.rps,
      2,
    ],
    [
      "stowage-express / serve-static, font",
      byName("stowage-express")?.font?.rps,
      byName("serve-static")?.font?.rps,
      2,
    ],
    [
      "stowage-fastify / @fastify/static, CSS",
      byName("stowage-fastify")?.css?.rps,
      byName("@fastify/static")?.css?.rps,
      2,
    ],
    [
      "stowage-fastify / @fastify/static, font",
      byName("stowage-fastify")?.font?.rps,
      byName("@fastify/static")?.font?.rps,
      2,
    ],
  ];
  lines.push("", "| target | ratio | wanted | met |", "|---|---:|---:|---|");
  for (const [label, value, base, wanted] of targets) {
    const got = value && base ? value / base : undefined;
    lines.push(
      `| ${label} | ${got?.toFixed(2) ?? "-"} | ${wanted} | ${got === undefined ? "-" : got >= wanted ? "yes" : "no"} |`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
