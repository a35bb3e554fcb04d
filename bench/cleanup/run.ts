// Orphan sweep at scale: Stowage's cleanup (references and listing in an
// on-disk scratch table, collect first, re-check and delete after) against
// the two-sets approach (every name in memory), in the same run.
// Usage: npm run bench -- cleanup [--files 1000000] [--fs-files 100000]
//        [--refs 1000000] [--reps 1] [--quick] [--skip-postgres]
import { execFile, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { type PostgresCluster, startPostgres } from "../../test/support/postgres.js";
import { referencedName, storedNames } from "./data.js";

const { values } = parseArgs({
  options: {
    files: { type: "string" },
    "fs-files": { type: "string" },
    refs: { type: "string" },
    reps: { type: "string", default: "1" },
    quick: { type: "boolean", default: false },
    "skip-postgres": { type: "boolean", default: false },
  },
});
const files = Number(values.files ?? (values.quick ? 100_000 : 1_000_000));
const fsFiles = Number(values["fs-files"] ?? (values.quick ? 10_000 : 100_000));
const refs = Number(values.refs ?? (values.quick ? 100_000 : 1_000_000));
const reps = Number(values.reps);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const run = promisify(execFile);
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Measure {
  /** Set when the process died (out of memory under a heap cap). */
  failed?: string;
  heapBeforeMb: number;
  orphans: number;
  deleted: number;
  ms: number;
  cpuMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
  growthMb: number;
}

async function sqliteDatabase(dir: string): Promise<string> {
  const file = path.join(dir, "app.db");
  const db = new Database(file);
  db.exec("CREATE TABLE documents (id INTEGER PRIMARY KEY, file TEXT)");
  const insert = db.prepare("INSERT INTO documents (file) VALUES (?)");
  db.transaction(() => {
    for (let index = 0; index < refs; index++) insert.run(referencedName(index));
  })();
  db.close();
  return `sqlite:${file}`;
}

async function postgresDatabase(cluster: PostgresCluster): Promise<string> {
  const url = await cluster.createDatabase("cleanup_bench");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("CREATE TABLE documents (id serial PRIMARY KEY, file text)");
  for (let start = 0; start < refs; start += 50_000) {
    const batch: string[] = [];
    for (let index = start; index < Math.min(refs, start + 50_000); index++) {
      batch.push(referencedName(index));
    }
    await client.query("INSERT INTO documents (file) SELECT unnest($1::text[])", [batch]);
  }
  await client.query("ANALYZE documents");
  await client.end();
  return url;
}

/** Writes whatever of the tree is missing (the orphans a previous sweep deleted). */
async function fillTree(root: string): Promise<void> {
  const names = [...storedNames(fsFiles)];
  const dirs = new Set(names.map((name) => path.dirname(path.join(root, name))));
  await Promise.all([...dirs].map((dir) => mkdir(dir, { recursive: true })));
  for (let start = 0; start < names.length; start += 256) {
    await Promise.all(
      names.slice(start, start + 256).map(async (name) => {
        const file = path.join(root, name);
        if (!(await stat(file).catch(() => null))) await writeFile(file, "x");
      }),
    );
  }
}

async function measure(args: string[], heapCapMb?: number): Promise<Measure> {
  const cap = heapCapMb === undefined ? [] : [`--max-old-space-size=${heapCapMb}`];
  try {
    const { stdout } = await run(
      process.execPath,
      [...cap, "--expose-gc", "--import", "tsx", path.join(here, "child.ts"), ...args],
      { cwd: repo, maxBuffer: 1 << 20 },
    );
    return JSON.parse(stdout.trim().split("\n").at(-1)!);
  } catch (error) {
    const text = String((error as { stderr?: string }).stderr ?? error);
    const reason = /heap out of memory|Allocation failed/.test(text) ? "out of memory" : "failed";
    if (reason === "failed") log(text.slice(-2000));
    return { failed: reason } as Measure;
  }
}

/** Headroom over the process's heap before the sweep, for the capped runs. */
const HEAP_HEADROOM_MB = 128;

// The sweep runs a worker thread, which loads built JavaScript: measure dist/ after an
// incremental build.
const built = spawnSync("npm", ["run", "--silent", "build"], { cwd: repo, stdio: "inherit" });
if (built.status !== 0) throw new Error("npm run build failed");

const work = await mkdtemp(path.join(tmpdir(), "stowage-bench-cleanup-"));
let cluster: PostgresCluster | undefined;
const loadBefore = loadavg();
try {
  log(
    `preparing: ${refs} references in SQLite${values["skip-postgres"] ? "" : " and PostgreSQL"}, a ${fsFiles}-file fs tree`,
  );
  const databases: [string, string][] = [["SQLite", await sqliteDatabase(work)]];
  if (!values["skip-postgres"]) {
    cluster = await startPostgres();
    databases.push(["PostgreSQL", await postgresDatabase(cluster)]);
  }
  const root = path.join(work, "tree");
  const scenarios = [
    {
      storage: "memory",
      label: `memory, ${files.toLocaleString("en")} files`,
      args: ["--files", String(files)],
    },
    { storage: "fs", label: `fs, ${fsFiles.toLocaleString("en")} files`, args: ["--root", root] },
  ];
  const rows: string[][] = [];
  for (const scenario of scenarios) {
    for (const [databaseLabel, url] of databases) {
      const results: Record<string, Measure[]> = { naive: [], stowage: [] };
      for (let rep = 0; rep < reps; rep++) {
        // Alternate which side goes first, so neither always runs on a warmer machine.
        const order = rep % 2 === 0 ? ["naive", "stowage"] : ["stowage", "naive"];
        for (const approach of order) {
          if (scenario.storage === "fs") await fillTree(root);
          log(`${scenario.label}, ${databaseLabel}: ${approach} (rep ${rep + 1}/${reps})`);
          const result = await measure([
            "--approach",
            approach,
            "--storage",
            scenario.storage,
            "--database",
            url,
            ...scenario.args,
          ]);
          log(`  ${JSON.stringify(result)}`);
          results[approach].push(result);
        }
      }
      const median = (list: Measure[], key: Exclude<keyof Measure, "failed">) =>
        list.map((item) => item[key] as number).sort((a, b) => a - b)[Math.floor(list.length / 2)];
      const naive = results.naive;
      const ours = results.stowage;
      // The same sweep with the V8 heap capped at what the process held before it plus a
      // fixed headroom: a bounded sweep fits, one that holds every name does not.
      const cap =
        Math.max(median(naive, "heapBeforeMb"), median(ours, "heapBeforeMb")) + HEAP_HEADROOM_MB;
      const capped: Record<string, string> = {};
      for (const approach of ["naive", "stowage"]) {
        if (scenario.storage === "fs") await fillTree(root);
        log(`${scenario.label}, ${databaseLabel}: ${approach}, heap capped at ${cap} MB`);
        const args = ["--approach", approach, "--storage", scenario.storage, "--database", url];
        const result = await measure([...args, ...scenario.args], cap);
        log(`  ${JSON.stringify(result)}`);
        capped[approach] =
          result.failed ?? `${(result.ms / 1000).toFixed(2)} s, +${result.growthMb} MB`;
      }
      rows.push([
        scenario.label,
        `${databaseLabel}, ${refs.toLocaleString("en")}`,
        String(median(ours, "deleted")),
        `${(median(naive, "ms") / 1000).toFixed(2)} s`,
        `${(median(ours, "ms") / 1000).toFixed(2)} s`,
        `${(median(ours, "ms") / median(naive, "ms")).toFixed(2)}x`,
        `${median(naive, "growthMb")} MB`,
        `${median(ours, "growthMb")} MB`,
        `${(median(ours, "growthMb") / Math.max(1, median(naive, "growthMb"))).toFixed(2)}x`,
        `${median(naive, "peakRssMb")} / ${median(ours, "peakRssMb")} MB`,
        `${(median(naive, "cpuMs") / 1000).toFixed(2)} / ${(median(ours, "cpuMs") / 1000).toFixed(2)} s`,
        `${cap} MB: ${capped.naive} / ${capped.stowage}`,
      ]);
    }
  }
  const loadAfter = loadavg();
  const header = [
    "storage",
    "references",
    "orphans deleted",
    "two sets: time",
    "Stowage: time",
    "time ratio",
    "two sets: peak RSS growth",
    "Stowage: peak RSS growth",
    "RSS ratio",
    "process peak RSS (two sets / Stowage)",
    "CPU (two sets / Stowage)",
    "heap capped at: two sets / Stowage",
  ];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
  process.stdout.write(`${lines.join("\n")}\n\n`);
  process.stdout.write(
    `Half the stored files are orphans; olderThan 0 (the memory driver cannot backdate). Medians of ${reps} run(s) each, each in a fresh process; growth = peak RSS during the sweep minus RSS before it (the memory driver's own objects are in the process peak, and with that much live heap V8 leaves garbage uncollected, so uncapped growth is mostly garbage). The capped column reruns both with --max-old-space-size = heap before the sweep + ${HEAP_HEADROOM_MB} MB. Load average before ${loadBefore.map((n) => n.toFixed(2)).join(" ")}, after ${loadAfter.map((n) => n.toFixed(2)).join(" ")} (2 cores).\n`,
  );
} finally {
  await cluster?.stop();
  await rm(work, { recursive: true, force: true });
}
