/**
 * Static serving benchmark: Stowage's adapters against sirv, serve-static,
 * @fastify/static, express-static-gzip, WhiteNoise on gunicorn and nginx, on
 * the same collected root, with the same load generator (wrk), in one run.
 *
 *   npm run bench -- serve [--quick] [--duration 10] [--connections 50] [--only a,b]
 *
 * Needs Debian wrk, nginx, libnginx-mod-http-brotli-static, gunicorn, python3-whitenoise.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { nginxMissing } from "../../test/deploy/support/nginx.js";
import { type Load, type Probe, peakRss, probe, wrk } from "./measure.js";
import { type Server, startNginxServer, startNode, startWhiteNoise } from "./processes.js";
import { buildRoot, FONT, HASHED_CSS } from "./root.js";

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

/** Each framework answering a constant: the floor its static adapter stands on. */
const REFERENCES = ["constant", "express-constant", "fastify-constant", "hono-constant"];

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
    ...REFERENCES.map((kind): [string, () => Promise<Server>] => [
      kind,
      () => startNode(kind, root),
    ]),
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
        if (REFERENCES.includes(key)) {
          await wrk(server.port, "/", 1, connections, server.pid);
          row.css = await wrk(server.port, "/", duration, connections, server.pid);
          row.note = "reference: answers a 2-byte constant, no file";
        } else {
          row.cssProbe = await probe(server.port, `/static/${HASHED_CSS}`);
          const font = await probe(server.port, `/static/${FONT}`);
          if (row.cssProbe.status !== 200 || font.status !== 200) {
            throw new Error(`${server.name} answered ${row.cssProbe.status}/${font.status}`);
          }
          await wrk(server.port, `/static/${HASHED_CSS}`, 1, connections, server.pid);
          row.css = await wrk(
            server.port,
            `/static/${HASHED_CSS}`,
            duration,
            connections,
            server.pid,
          );
          row.font = await wrk(server.port, `/static/${FONT}`, duration, connections, server.pid);
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
