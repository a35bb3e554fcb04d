#!/usr/bin/env node
// `npm run bench -- NAME [args...]` runs bench/NAME/run.ts (or run.mjs) and
// passes the remaining arguments through. TypeScript runs through tsx so a
// benchmark needs no build step of its own.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = path.join(repo, "bench");
const ENTRY_FILES = ["run.ts", "run.mjs"];

function entryOf(name) {
  for (const file of ENTRY_FILES) {
    const candidate = path.join(benchDir, name, file);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function available() {
  if (!existsSync(benchDir)) return [];
  return readdirSync(benchDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .filter((name) => entryOf(name) !== undefined)
    .sort();
}

const [name, ...args] = process.argv.slice(2);
const entry = name && !name.startsWith("-") ? entryOf(name) : undefined;
if (!entry) {
  const names = available();
  const problem = name ? `Unknown benchmark "${name}".` : "Name a benchmark to run.";
  process.stderr.write(
    `${problem}\nUsage: npm run bench -- NAME [args...]\nAvailable: ${names.length ? names.join(", ") : "(none yet)"}\n`,
  );
  process.exitCode = 2;
} else {
  const runner = entry.endsWith(".ts") ? ["--import", "tsx", entry] : [entry];
  const child = spawn(process.execPath, [...runner, ...args], { cwd: repo, stdio: "inherit" });
  // Forward Ctrl-C/termination so the benchmark can stop the peers it started.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
