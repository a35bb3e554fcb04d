// The gallery app for tests: built library, collected static files, and an
// app on a loopback port over temporary storage and a temporary SQLite file.
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../../..");
export const galleryDir = path.join(repo, "examples/gallery");

/** What examples/gallery/app.mjs exports, as far as the tests use it. */
export interface GalleryModule {
  createGallery(options: { env: NodeJS.ProcessEnv }): Promise<Gallery>;
}
export interface Gallery {
  app: { listen(port: number, host: string, callback: () => void): Server };
  config: { static: { root: string; url: string } };
  // biome-ignore lint/suspicious/noExplicitAny: the app's Kysely instance is untyped JavaScript.
  db: any;
  close(): Promise<void>;
}

/** Imports a file by a path tsc does not follow (the app is JavaScript without declarations). */
export async function importFile<T>(file: string): Promise<T> {
  return (await import(file)) as T;
}

/** dist/ up to date with src/ (the app imports the package by name). */
export async function ensureBuild(): Promise<void> {
  const { ensureBuild: build } = await importFile<{ ensureBuild(): Promise<boolean> }>(
    path.join(repo, "scripts/ensure-build.mjs"),
  );
  await build();
}

/** Collects the gallery's static files into `root` with the library's own collect. */
export async function collectStatic(root: string): Promise<void> {
  const { collect } = await importFile<{ collect(options: unknown): Promise<unknown> }>(
    "stowage/static",
  );
  const { resolveConfig } = await importFile<{
    resolveConfig(input: unknown, baseDir: string, options: unknown): { static: unknown };
  }>("stowage");
  const { galleryConfig } = await importFile<{ galleryConfig(env: NodeJS.ProcessEnv): unknown }>(
    path.join(galleryDir, "config.mjs"),
  );
  // A secret in the environment keeps galleryConfig from making var/gallery/secret.
  const config = resolveConfig(galleryConfig({ STOWAGE_SECRET: "collect" }), galleryDir, {
    env: { STOWAGE_STATIC_ROOT: root },
  });
  await collect({ static: config.static });
}

export interface TestSite {
  dir: string;
  staticRoot: string;
  env: NodeJS.ProcessEnv;
  remove(): Promise<void>;
}

/**
 * A temporary folder with collected static files, and the environment that
 * points the app at local storage and SQLite inside it. Pass `overrides` for
 * S3/PostgreSQL.
 */
export async function createTestSite(overrides: NodeJS.ProcessEnv = {}): Promise<TestSite> {
  await ensureBuild();
  const dir = await mkdtemp(path.join(tmpdir(), "stowage-gallery-"));
  const staticRoot = path.join(dir, "static");
  await collectStatic(staticRoot);
  await mkdir(path.join(dir, "tmp"));
  const env: NodeJS.ProcessEnv = {
    STOWAGE_STATIC_ROOT: staticRoot,
    STOWAGE_MEDIA_STORAGE: `file://${path.join(dir, "media")}`,
    GALLERY_PRIVATE_STORAGE: `file://${path.join(dir, "private")}`,
    GALLERY_UPLOAD_TMP: path.join(dir, "tmp"),
    DATABASE_URL: `sqlite:${path.join(dir, "gallery.db")}`,
    STOWAGE_SECRET: "test-secret-for-the-gallery",
    ...overrides,
  };
  return { dir, staticRoot, env, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface RunningGallery {
  url: string;
  gallery: Gallery;
  stop(): Promise<void>;
}

/** The app in this process, on a free loopback port. */
export async function startGallery(env: NodeJS.ProcessEnv): Promise<RunningGallery> {
  const { createGallery } = await importFile<GalleryModule>(path.join(galleryDir, "app.mjs"));
  const gallery = await createGallery({ env });
  const server = await new Promise<Server>((resolve) => {
    const listening: Server = gallery.app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    gallery,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await gallery.close();
    },
  };
}

/** Every file under `dir`, relative, sorted; [] when the folder does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

export interface GalleryProcess {
  url: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** `node examples/gallery/server.mjs` as its own process, on a free port. */
export async function spawnGallery(env: NodeJS.ProcessEnv): Promise<GalleryProcess> {
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, [path.join(galleryDir, "server.mjs")], {
    cwd: repo,
    env: { ...process.env, ...env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const found = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (found) resolve(found[1]);
    });
    child.once("exit", (code) => reject(new Error(`The gallery exited with ${code}:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
