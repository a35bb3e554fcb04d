// What the benchmarks read about a process from /proc (Linux), and the
// random input files the upload benchmarks send.
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** A memory figure of `/proc/<pid>/status` (`VmRSS` now, `VmHWM` the peak), in KiB. */
export function memoryKiB(pid: number | "self", field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
}

/** User + system CPU seconds the process has used so far (clock ticks are 1/100 s on Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A file of `mib` MiB of random bytes in `dir`, made once and reused while its size is right. */
export async function randomInput(dir: string, mib: number): Promise<string> {
  const file = path.join(dir, `input-${mib}MiB.bin`);
  if (existsSync(file) && statSync(file).size === mib * 1024 * 1024) return file;
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(file);
  for (let index = 0; index < mib; index += 1) {
    if (!out.write(randomBytes(1024 * 1024)))
      await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return file;
}
