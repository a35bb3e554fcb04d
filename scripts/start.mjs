#!/usr/bin/env node
// `npm start`: build the library (incrementally), collect the demo site's
// static files, then run the demo server on local disk.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function step(title, command, args) {
  console.log(`> ${title}`);
  const result = spawnSync(command, args, { cwd: repo, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`"${title}" failed; see the output above.`);
    process.exit(result.status ?? 1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(path.join(repo, "dist/.tsbuildinfo")).mtimeMs;
  } catch {
    return 0;
  }
}

// `npm install` already built dist/; rebuild only when src/ changed since.
if (newestMtime(path.join(repo, "src")) > builtAt())
  step("build", process.execPath, [
    path.join(repo, "node_modules/typescript/bin/tsc"),
    "-p",
    "tsconfig.build.json",
  ]);
step("stowage collect", process.execPath, [
  path.join(repo, "dist/cli/bin.js"),
  "collect",
  "--config",
  "examples/demo/stowage.config.mjs",
]);
await import(path.join(repo, "examples/demo/server.mjs"));
