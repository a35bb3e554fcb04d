// A throwaway PostgreSQL cluster on loopback for the gallery's multi-process
// test: initdb into a temp folder (as the `postgres` user when running as
// root, since initdb refuses root), trust authentication, no fsync.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's server binaries (not on PATH), newest major first; STOWAGE_PG_BIN overrides. */
export function postgresBin(): string | undefined {
  if (process.env.STOWAGE_PG_BIN) return process.env.STOWAGE_PG_BIN;
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const major = readdirSync(base)
    .filter((entry) => existsSync(path.join(base, entry, "bin/initdb")))
    .sort((a, b) => Number(b) - Number(a))[0];
  return major === undefined ? undefined : path.join(base, major, "bin");
}

/** Whether the tests can start PostgreSQL; missing in CI is an error, locally a skip with a message. */
export function postgresAvailable(): boolean {
  if (postgresBin()) return true;
  const message = "PostgreSQL is not installed (Debian: apt-get install postgresql).";
  if (process.env.CI) throw new Error(`${message} CI must run the PostgreSQL tests.`);
  console.warn(`Skipping the PostgreSQL tests: ${message}`);
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Postgres {
  port: number;
  /** A new empty database's URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed.");
  const root = userInfo().uid === 0;
  const as = (tool: string, args: string[]) =>
    root
      ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args])
      : run(path.join(bin, tool), args);
  const dir = await mkdtemp(path.join(tmpdir(), "stowage-gallery-pg-"));
  if (root) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: group } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout), Number(group));
  }
  const data = path.join(dir, "data");
  await as("initdb", [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  const port = await freePort();
  const options = [
    "-c listen_addresses=127.0.0.1",
    `-p ${port}`,
    `-k ${dir}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
  ].join(" ");
  await as("pg_ctl", [
    "-D",
    data,
    "-l",
    path.join(dir, "server.log"),
    "-w",
    "-t",
    "60",
    "-o",
    options,
    "start",
  ]);
  return {
    port,
    async createDatabase(name) {
      await as("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
