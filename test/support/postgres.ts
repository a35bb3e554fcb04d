import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/*
 * A throwaway PostgreSQL cluster for tests: initdb into a temp folder, one
 * server on 127.0.0.1 on a free port, trust authentication, no fsync. Debian
 * installs the server binaries under /usr/lib/postgresql/<major>/bin (not on
 * PATH); STOWAGE_PG_BIN points elsewhere. initdb refuses to run as root, so
 * as root the cluster belongs to the `postgres` user (runuser).
 *
 * When STOWAGE_TEST_POSTGRES_URL names a running server (.ci/run starts one
 * cluster for the whole run), tests create their databases there instead.
 */
const SHARED_URL = "STOWAGE_TEST_POSTGRES_URL";

const run = promisify(execFile);

/** The folder holding initdb/pg_ctl, or undefined when none is installed. */
export function postgresBinDir(): string | undefined {
  const override = process.env.STOWAGE_PG_BIN;
  if (override) return existsSync(path.join(override, "initdb")) ? override : undefined;
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((entry) => existsSync(path.join(base, entry, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? path.join(base, majors[0], "bin") : undefined;
}

/**
 * Why the PostgreSQL tests cannot run here, or undefined when they can.
 * Missing binaries skip the tests locally (with this message) but throw in CI
 * (env CI set), so a CI machine without PostgreSQL fails instead of passing
 * quietly.
 */
export function postgresMissing(): string | undefined {
  if (process.env[SHARED_URL] || postgresBinDir()) return undefined;
  const reason =
    "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql, or set STOWAGE_PG_BIN)";
  if (process.env.CI) throw new Error(`${reason}: CI must run the PostgreSQL tests.`);
  console.warn(`Skipping the PostgreSQL tests: ${reason}.`);
  return reason;
}

export interface PostgresCluster {
  port: number;
  /** A URL for `database` (default: the cluster's `postgres` database). */
  url(database?: string): string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a cluster; call `stop()` in afterAll. Retries with another port if the first was taken. */
export async function startPostgres(): Promise<PostgresCluster> {
  const shared = process.env[SHARED_URL];
  if (shared) return clusterAt(new URL(shared), async () => undefined);
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresMissing() ?? "PostgreSQL is not installed");
  const asRoot = userInfo().uid === 0;
  const as = async (file: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", path.join(bin, file), ...args])
      : run(path.join(bin, file), args);

  const root = await mkdtemp(path.join(tmpdir(), "stowage-pg-"));
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    await chown(root, uid, gid);
  }
  const data = path.join(root, "data");
  try {
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
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        `-p ${port}`,
        "-c listen_addresses=127.0.0.1",
        `-k ${root}`,
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
      ].join(" ");
      try {
        await as("pg_ctl", [
          "-D",
          data,
          "-l",
          path.join(root, "server.log"),
          "-w",
          "-t",
          "60",
          "-o",
          options,
          "start",
        ]);
        break;
      } catch (error) {
        if (attempt >= 3) {
          const log = await readFile(path.join(root, "server.log"), "utf8").catch(() => "");
          throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
        }
      }
    }
    return clusterAt(new URL(`postgres://postgres@127.0.0.1:${port}/postgres`), async () => {
      await as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    });
  } catch (error) {
    await as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

function clusterAt(server: URL, stop: () => Promise<void>): PostgresCluster {
  const url = (database = "postgres") => {
    const target = new URL(server);
    target.pathname = `/${database}`;
    return target.toString();
  };
  return {
    port: Number(server.port),
    url,
    async createDatabase(name = `t_${randomBytes(6).toString("hex")}`) {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile("/etc/passwd", "utf8");
  const line = passwd.split("\n").find((entry) => entry.startsWith("postgres:"));
  if (!line)
    throw new Error(
      'Running as root needs the "postgres" user (Debian\'s postgresql package creates it).',
    );
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}
