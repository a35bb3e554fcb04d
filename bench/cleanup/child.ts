// One measured sweep in a fresh process, so its peak RSS is its own:
// builds the storage (the memory driver's objects live here), resets the
// kernel's peak-RSS mark, runs one approach, prints one JSON line.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openDatabase } from "../../src/media/database.js";
import { createMedia } from "../../src/media/index.js";
import { createStorage } from "../../src/storage/create.js";
import { memoryDriver } from "../../src/storage/drivers/memory.js";
import { createPolicyStorage } from "../../src/storage/storage.js";
import type { Storage } from "../../src/storage/types.js";
import { storedNames } from "./data.js";
import { naiveCleanup } from "./naive.js";

const { values } = parseArgs({
  options: {
    approach: { type: "string" },
    storage: { type: "string" },
    files: { type: "string" },
    root: { type: "string" },
    database: { type: "string" },
  },
});
const REFERENCES = [{ table: "documents", column: "file" }];
const megabytes = (kib: number) => Math.round(kib / 1024);
const status = (field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync("/proc/self/status", "utf8"))![1]);

async function memoryStorage(files: number): Promise<Storage> {
  const driver = memoryDriver();
  const body = Buffer.from("x");
  for (const name of storedNames(files)) await driver.put(name, body, {});
  return createPolicyStorage(driver);
}

const storage =
  values.storage === "memory"
    ? await memoryStorage(Number(values.files))
    : createStorage({ driver: "fs", root: values.root! });
const db = await openDatabase(values.database!);
(globalThis as { gc?: () => void }).gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const before = status("VmRSS");
// Resets VmHWM to the current RSS, so the peak below is the sweep's.
writeFileSync("/proc/self/clear_refs", "5");
const cpu = process.cpuUsage();
const started = performance.now();
let result: { orphans: number; deleted: number };
if (values.approach === "naive") {
  result = await naiveCleanup(storage, db, REFERENCES);
} else {
  const media = createMedia({
    storages: { default: storage },
    database: db,
    references: REFERENCES,
  });
  const { orphans, deleted } = await media.cleanup({ olderThan: 0 });
  result = { orphans, deleted };
}
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
const peak = status("VmHWM");
await db.destroy();
process.stdout.write(
  `${JSON.stringify({
    ...result,
    ms: Math.round(ms),
    cpuMs: Math.round((used.user + used.system) / 1000),
    heapBeforeMb: Math.round(heapBefore / 1048576),
    rssBeforeMb: megabytes(before),
    peakRssMb: megabytes(peak),
    growthMb: megabytes(peak - before),
  })}\n`,
);
