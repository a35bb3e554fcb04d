import { spawn } from "node:child_process";
import type { Dirent } from "node:fs";
import { readdir, readFile, utimes } from "node:fs/promises";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { writeTree } from "../helpers/project.js";

/** A small deterministic generator, so every run builds the same site. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A site of `count` files: CSS with `url()`s to images, chains of JS modules,
 * text and SVG, and PNG-named noise (hashed, never compressed). Version 2
 * changes every text file, and turns some compressible files into noise, so a
 * collect replaces originals, writes new hashed names and variants, and
 * deletes variants that no longer pay off.
 */
export function crashSite(version: 1 | 2, count = 280): Record<string, Uint8Array> {
  const next = random(7);
  const files: Record<string, Uint8Array> = {};
  const text = (value: string) => new TextEncoder().encode(value);
  const noise = (size: number) => Uint8Array.from({ length: size }, () => Math.floor(next() * 256));
  const per = Math.floor(count / 7);
  for (let i = 0; i < per; i++) {
    files[`img/p${i}.png`] = noise(300 + i);
  }
  for (let i = 0; i < per * 2; i++) {
    const rules = Array.from(
      { length: 30 + (i % 20) },
      (_, r) =>
        `.c${i}-${r} { margin: ${r}px; background: url(../img/p${(i + r) % per}.png); color: #${(i * 97 + r).toString(16).padStart(6, "0")}; }`,
    );
    files[`css/c${i}.css`] = text(`${rules.join("\n")}\n/* v${version} */\n`);
  }
  for (let i = 0; i < per * 2; i++) {
    const importNext = i % 10 !== 9 ? `import { v${i + 1} } from "./m${i + 1}.js";\n` : "";
    const body = `export const v${i} = ${JSON.stringify("module ".repeat(40 + i))};\n`;
    files[`js/m${i}.js`] = text(`${importNext}${body}// v${version}\n`);
  }
  for (let i = 0; i < per; i++) {
    const becomesNoise = version === 2 && i % 4 === 0;
    files[`txt/t${i}.txt`] = becomesNoise
      ? noise(2000)
      : text(`${`line ${i} of the text, version ${version}\n`.repeat(60)}`);
  }
  for (let i = 0; i < per; i++) {
    const shapes = Array.from(
      { length: 20 },
      (_, s) => `<rect x="${s}" y="${i}" width="10" height="10"/>`,
    );
    files[`svg/s${i}.svg`] = text(
      `<svg xmlns="http://www.w3.org/2000/svg">${shapes.join("")}<!-- v${version} --></svg>\n`,
    );
  }
  return files;
}

/**
 * Writes a version of the site into `dir` with fixed modification times, as
 * a rollback with `tar` or `rsync -t` restores them: the sources of a version
 * look exactly as they did when it was collected.
 */
export async function writeSite(dir: string, version: 1 | 2): Promise<void> {
  const files = crashSite(version);
  await writeTree(dir, files);
  const when = new Date(Date.UTC(2024, 0, version));
  await Promise.all(Object.keys(files).map((name) => utimes(path.join(dir, name), when, when)));
}

/** Every file under `dir`, as sorted relative `/` paths. */
export async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) names.push(...(await listFiles(dir, name)));
    else names.push(name);
  }
  return names.sort();
}

const DECOMPRESS: Record<string, (data: Buffer) => Buffer> = {
  ".br": brotliDecompressSync,
  ".gz": gunzipSync,
};

/**
 * The variants in `root` that would serve other bytes than their file: each
 * `.br`/`.gz` is decompressed and compared with the file beside it; a variant
 * whose file is missing counts too (a gzip client would get it, an identity
 * client a 404).
 */
export async function inconsistentVariants(root: string): Promise<string[]> {
  const names = await listFiles(root);
  const present = new Set(names);
  const bad: string[] = [];
  for (const name of names) {
    const extension = path.extname(name);
    const decompress = DECOMPRESS[extension];
    if (!decompress) continue;
    const base = name.slice(0, -extension.length);
    if (!present.has(base)) {
      bad.push(name);
      continue;
    }
    const [variant, original] = await Promise.all([
      readFile(path.join(root, name)),
      readFile(path.join(root, base)),
    ]);
    if (!decompress(variant).equals(original)) bad.push(name);
  }
  return bad;
}

/** Whether every original in `root` holds the bytes of its source in `sources`. */
export async function originalsMatch(root: string, sources: string): Promise<string[]> {
  const wrong: string[] = [];
  for (const name of await listFiles(sources)) {
    const [source, copy] = await Promise.all([
      readFile(path.join(sources, name)),
      readFile(path.join(root, name)).catch(() => null),
    ]);
    if (!copy?.equals(source)) wrong.push(name);
  }
  return wrong;
}

export interface ChildResult {
  /** The signal that ended the process (`SIGKILL` when it killed itself). */
  signal: NodeJS.Signals | null;
  code: number | null;
  /** Renames and unlinks the process made. */
  changes?: number;
  summary?: Record<string, unknown>;
  error?: { code: string; message: string };
  stderr: string;
}

export interface ChildOptions {
  module: string;
  options: Record<string, unknown>;
  killAfter?: number;
  pauseAfter?: number;
}

const CHILD = new URL("./fixtures/collect-child.mjs", import.meta.url);

/**
 * Starts a collect in a child process. `paused` resolves when the child has
 * stopped at `pauseAfter`; `resume()` lets it go on; `done` resolves when it
 * exits.
 */
export function startChild(spec: ChildOptions) {
  const child = spawn(process.execPath, [CHILD.pathname, JSON.stringify(spec)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let onPaused: () => void = () => {};
  const paused = new Promise<void>((resolve) => {
    onPaused = resolve;
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    if (stdout.includes("paused\n")) onPaused();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<ChildResult>((resolve) => {
    child.on("exit", (code, signal) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      const parsed = last.startsWith("{") ? JSON.parse(last) : {};
      resolve({ code, signal, stderr, ...parsed });
    });
  });
  return {
    pid: child.pid!,
    paused,
    done,
    resume: () => child.stdin.end("go\n"),
  };
}
