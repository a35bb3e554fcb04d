/**
 * Global setup of the "packed" test project: builds the package from a clean
 * output folder, packs it with `npm pack` (exactly what `npm publish` would
 * upload), and installs the tarball into two fresh app folders: one with
 * only express, typescript and their types beside it (consumer.test.ts), one
 * with the optional peers the README's blocks use as well (readme.test.ts).
 * Runs once per test run, and only when a test of this project is selected.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "../../..");

/** What the app depends on besides stowage, at the versions this repository installed. */
export const APP_DEPENDENCIES = ["express", "typescript", "@types/express", "@types/node"];

/**
 * The optional peers README blocks need besides those: the SQLite driver
 * (Media lifecycle, `stowage cleanup`) and tus (resumable uploads).
 */
export const README_DEPENDENCIES = [
  ...APP_DEPENDENCIES,
  "better-sqlite3",
  "@tus/server",
  "@tus/file-store",
];

declare module "vitest" {
  export interface ProvidedContext {
    /** The app folder: package.json, node_modules/stowage from the tarball, node_modules/.bin/stowage. */
    packedApp: string;
    /** The packed tarball. */
    packedTarball: string;
    /** Like `packedApp`, with README_DEPENDENCIES installed. */
    readmeApp: string;
  }
}

async function installedVersion(name: string): Promise<string> {
  const file = path.join(repo, "node_modules", name, "package.json");
  return (JSON.parse(await readFile(file, "utf8")) as { version: string }).version;
}

async function pack(work: string): Promise<string> {
  const staging = path.join(work, "package");
  await mkdir(staging, { recursive: true });
  // A fresh outDir, so files left in the repository's dist/ by renamed sources are not shipped.
  await run(
    process.execPath,
    [
      path.join(repo, "node_modules/typescript/bin/tsc"),
      "-p",
      path.join(repo, "tsconfig.build.json"),
      "--outDir",
      path.join(staging, "dist"),
      "--tsBuildInfoFile",
      path.join(work, "tsbuildinfo"),
    ],
    { cwd: repo },
  );
  await copyFile(path.join(repo, "package.json"), path.join(staging, "package.json"));
  await copyFile(path.join(repo, "README.md"), path.join(staging, "README.md"));
  // Scripts would rebuild into the staging folder; the build above is the one to ship.
  await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], {
    cwd: staging,
  });
  const tarball = (await readdir(work)).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
  return path.join(work, tarball);
}

async function install(app: string, tarball: string, names: string[]): Promise<string> {
  await mkdir(app);
  const dependencies: Record<string, string> = { stowage: `file:${tarball}` };
  for (const name of names) dependencies[name] = await installedVersion(name);
  await writeFile(
    path.join(app, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module", dependencies }, null, 2)}\n`,
  );
  await run(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
    ],
    { cwd: app, env: { ...process.env, npm_config_update_notifier: "false" } },
  );
  if (names.includes("better-sqlite3")) await reuseSqliteBuild(app);
  return app;
}

/**
 * Installs skip scripts, so better-sqlite3 arrives without its native addon,
 * which takes about 70 s to compile. The copy this repository built is the
 * same version (installedVersion) for the same Node, so its build is reused.
 */
async function reuseSqliteBuild(app: string): Promise<void> {
  const built = path.join(repo, "node_modules/better-sqlite3/build/Release/better_sqlite3.node");
  const target = path.join(app, "node_modules/better-sqlite3/build/Release");
  await mkdir(target, { recursive: true });
  await copyFile(built, path.join(target, "better_sqlite3.node"));
}

export default async function setup(project: TestProject) {
  const work = await mkdtemp(path.join(tmpdir(), "stowage-packed-"));
  const tarball = await pack(work);
  project.provide("packedTarball", tarball);
  const [app, readmeApp] = await Promise.all([
    install(path.join(work, "app"), tarball, APP_DEPENDENCIES),
    install(path.join(work, "readme-app"), tarball, README_DEPENDENCIES),
  ]);
  project.provide("packedApp", app);
  project.provide("readmeApp", readmeApp);
  return async () => {
    await rm(work, { recursive: true, force: true });
  };
}
