#!/usr/bin/env node
// `npm start`: build the library if src/ changed, collect the gallery's
// static files, then run the gallery (SQLite and media under var/gallery/,
// demo accounts created on first run) on http://127.0.0.1:3000 (PORT overrides).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ensureBuild, repo } from "./ensure-build.mjs";

try {
  await ensureBuild({ log: console.log });
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

console.log("> stowage collect");
const collect = spawnSync(
  process.execPath,
  [
    path.join(repo, "dist/cli/bin.js"),
    "collect",
    "--config",
    "examples/gallery/stowage.config.mjs",
  ],
  { cwd: repo, stdio: "inherit" },
);
if (collect.status !== 0) {
  console.error('"stowage collect" failed; see the output above.');
  process.exit(collect.status ?? 1);
}

await import(path.join(repo, "examples/gallery/server.mjs"));
