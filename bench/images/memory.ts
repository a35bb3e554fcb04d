// Worst-case memory of one image decode at the default limits: each case of
// memory-cases.ts is written, then rendered in a fresh process whose peak RSS
// is read before and after. Usage: npm run bench -- images --memory [--case NAME]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CASES } from "./memory-cases.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const tsx = path.join(repo, "node_modules/.bin/tsx");
const worker = path.join(here, "memory-worker.ts");

interface Measured {
  baselineMb: number;
  peakMb: number;
  ms: number;
  outputs: string[];
  pixels: number;
}

function child(args: string[]): string {
  const run = spawnSync(tsx, [worker, ...args], {
    cwd: repo,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 15 * 60_000,
  });
  if (run.status !== 0) throw new Error(`memory-worker ${args.join(" ")} failed (${run.status})`);
  return run.stdout;
}

export function runMemoryBenchmark(only: string | undefined): void {
  const cases = only === undefined ? CASES : CASES.filter((spec) => spec.name === only);
  if (cases.length === 0) throw new Error(`No case named ${only}.`);
  const work = mkdtempSync(path.join(tmpdir(), "stowage-bench-memory-"));
  const rows: string[] = [];
  try {
    for (const spec of cases) {
      const file = path.join(work, `${spec.name}.${spec.input.format}`);
      if (!existsSync(file)) child(["make", spec.name, file]);
      const measured = JSON.parse(child(["measure", spec.name, file]).trim()) as Measured;
      const { format, width, height, channels, depth, progressive, frames } = spec.input;
      const input = `${format} ${width}x${height}${frames ? ` x ${frames} frames` : ""}, ${channels} ch, ${depth}-bit${progressive ? ", progressive" : ""}`;
      const row = `| ${spec.name} | ${input} | ${(statSync(file).size / 1024).toFixed(0)} KB | ${measured.outputs.join(", ")} | ${measured.baselineMb.toFixed(0)} | ${measured.peakMb.toFixed(0)} | ${(measured.peakMb - measured.baselineMb).toFixed(0)} | ${(measured.ms / 1000).toFixed(1)} |`;
      console.error(row);
      rows.push(row);
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log("\nOne decode per fresh process, default limits:\n");
  console.log(
    "| case | input | file | outputs | RSS before (MB) | peak RSS (MB) | decode's own (MB) | seconds |",
  );
  console.log("|---|---|---:|---|---:|---:|---:|---:|");
  for (const row of rows) console.log(row);
}
