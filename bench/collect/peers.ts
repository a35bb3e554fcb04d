import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, "../..");

export interface Timed {
  /** Wall-clock seconds. */
  seconds: number;
  /**
   * User + system CPU seconds of the process and its threads (GNU time).
   * Unlike the wall clock it barely moves with the machine's load.
   */
  cpuSeconds: number;
  stdout: string;
}

/** GNU time (Debian `time`) reports the child's CPU time, which Node cannot see. */
export const GNU_TIME = "/usr/bin/time";

function readCpu(file: string): number {
  const [user, system] = readFileSync(file, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  return user + system;
}

/**
 * Run a command to completion under GNU time, timing it by the wall clock and
 * by CPU; a failure throws with the end of its stderr.
 */
function timed(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Timed> {
  const scratch = mkdtempSync(path.join(tmpdir(), "collect-bench-"));
  const cpuFile = path.join(scratch, "cpu");
  return new Promise<Timed>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(GNU_TIME, ["-f", "%U %S", "-o", cpuFile, command, ...args], {
      cwd: options.cwd ?? REPO,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = (performance.now() - started) / 1000;
      const stdout = Buffer.concat(out).toString("utf8");
      if (code === 0) resolve({ seconds, cpuSeconds: readCpu(cpuFile), stdout });
      else {
        const stderr = Buffer.concat(err).toString("utf8").trim().split("\n").slice(-20);
        reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr.join("\n")}`));
      }
    });
  }).finally(() => rmSync(scratch, { recursive: true, force: true }));
}

/** Build dist/ so the benchmark measures the real CLI, never a stale build. */
export async function buildStowage(): Promise<number> {
  const { seconds } = await timed("npm", ["run", "--silent", "build"]);
  return seconds;
}

export interface DjangoSetup {
  corpus: string;
  root: string;
  apps: string[];
}

/**
 * Debian's interpreter by absolute path: a pyenv or venv python3 earlier on
 * PATH would not see the python3-django / python3-whitenoise packages.
 */
const DEBIAN_PYTHON = "/usr/bin/python3";

/** `manage.py collectstatic --noinput` without a manage.py: `python3 -m django` + settings module. */
export function runDjango(setup: DjangoSetup): Promise<Timed> {
  const env = {
    ...process.env,
    DJANGO_SETTINGS_MODULE: "django_settings",
    PYTHONPATH: [HERE, path.join(setup.corpus, "apps")].join(path.delimiter),
    PYTHONDONTWRITEBYTECODE: "1",
    BENCH_CORPUS: setup.corpus,
    BENCH_DJANGO_ROOT: setup.root,
    BENCH_APPS: setup.apps.join(","),
  };
  return timed(DEBIAN_PYTHON, ["-m", "django", "collectstatic", "--noinput", "-v", "0"], { env });
}

export interface StowageSetup {
  corpus: string;
  root: string;
  apps: string[];
  /** Where to write the config file. */
  configFile: string;
}

/** What `stowage collect --json` reports (the parts the benchmark reads). */
export interface CollectJson {
  files?: number;
  collected?: number;
  unchanged?: number;
  hashed?: number;
  compressed?: Record<string, number>;
  ms?: number;
}

/** The same work as the Django settings: project static + the same apps, hash, br + gzip. */
export function writeStowageConfig(setup: StowageSetup): void {
  const config = {
    static: {
      url: "/static/",
      root: setup.root,
      dirs: [path.join(setup.corpus, "static")],
      apps: setup.apps.map((app) => path.join(setup.corpus, "apps", app)),
      hash: true,
      compress: ["br", "gzip"],
    },
  };
  writeFileSync(setup.configFile, `${JSON.stringify(config, null, 2)}\n`);
}

export async function runStowage(setup: StowageSetup): Promise<Timed & { summary: CollectJson }> {
  const bin = path.join(REPO, "dist/cli/bin.js");
  const result = await timed(process.execPath, [
    bin,
    "collect",
    "--config",
    setup.configFile,
    "--json",
  ]);
  let summary: CollectJson;
  try {
    summary = JSON.parse(result.stdout) as CollectJson;
  } catch {
    throw new Error(`stowage collect --json printed no JSON document:\n${result.stdout}`);
  }
  return { ...result, summary };
}
