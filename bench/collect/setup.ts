import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Debian packages the Django side needs. */
export const APT_PACKAGES = [
  "python3-django",
  "python3-whitenoise",
  // Without it WhiteNoise silently writes no .br files.
  "python3-brotli",
  // Django's admin links its jQuery to /usr/share/javascript/jquery.
  "libjs-jquery",
  // GNU time: the CPU seconds of each run, which the wall clock hides on a loaded machine.
  "time",
] as const;

/** The npm packages of the corpus, pinned so every run measures the same files. */
export const CORPUS_PACKAGES: Record<string, string> = {
  bootstrap: "5.3.9",
  "@fortawesome/fontawesome-free": "7.3.1",
  katex: "0.19.1",
  "bootstrap-icons": "1.13.2",
};

const APT_WAIT_MS = 15 * 60_000;

function installed(pkg: string): boolean {
  const result = spawnSync("dpkg", ["-s", pkg], { encoding: "utf8" });
  return result.status === 0 && result.stdout.includes("Status: install ok installed");
}

/** True while another apt/dpkg holds the package lock (e.g. the machine's own setup). */
function aptBusy(): boolean {
  const result = spawnSync("fuser", ["/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/lock"], {
    stdio: "ignore",
  });
  if (result.error) {
    // No fuser (psmisc): fall back to looking for the processes themselves.
    return spawnSync("pgrep", ["-x", "apt-get|apt|dpkg"], { stdio: "ignore" }).status === 0;
  }
  return result.status === 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Make sure the Debian packages are installed, waiting for an install that is
 * already under way (see /tmp/apt-install.log) rather than fighting its lock.
 */
export async function ensureAptPackages(log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + APT_WAIT_MS;
  let announced = false;
  for (;;) {
    const missing = APT_PACKAGES.filter((pkg) => !installed(pkg));
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`Debian packages still missing after waiting: ${missing.join(" ")}`);
    }
    if (aptBusy()) {
      if (!announced) log(`waiting for the running apt install (missing: ${missing.join(" ")})`);
      announced = true;
      await sleep(5000);
      continue;
    }
    log(`apt-get install -y ${missing.join(" ")}`);
    const result = spawnSync("apt-get", ["install", "-y", ...missing], { stdio: "inherit" });
    if (result.status !== 0) {
      throw new Error(`apt-get install failed for ${missing.join(" ")} (exit ${result.status})`);
    }
  }
}

function installedVersion(prefix: string, name: string): string | undefined {
  const manifest = path.join(prefix, "node_modules", name, "package.json");
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version;
}

/**
 * Install the corpus packages into their own prefix, never into the
 * project's package.json: they are data for the benchmark, not dependencies.
 * Returns the prefix's node_modules folder.
 */
export function ensureCorpusPackages(prefix: string, log: (line: string) => void): string {
  const wanted = Object.entries(CORPUS_PACKAGES);
  const stale = wanted.filter(([name, version]) => installedVersion(prefix, name) !== version);
  if (stale.length > 0) {
    mkdirSync(prefix, { recursive: true });
    const manifest = path.join(prefix, "package.json");
    if (!existsSync(manifest)) {
      writeFileSync(
        manifest,
        `${JSON.stringify({ name: "collect-bench-corpus", private: true })}\n`,
      );
    }
    // All of them at once: npm prunes what a --no-save install does not name.
    const specs = wanted.map(([name, version]) => `${name}@${version}`);
    log(`npm install --prefix ${prefix} ${specs.join(" ")}`);
    execFileSync(
      "npm",
      ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", ...specs],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  return path.join(prefix, "node_modules");
}
