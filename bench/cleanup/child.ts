// One measured sweep in a fresh process, so its peak RSS is its own:
// builds the storage (the memory driver's objects live here), resets the
// kernel's peak-RSS mark, runs one approach, prints one JSON line.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Storage } from "../../src/storage/types.js";
import { memoryKiB } from "../support/proc.js";
import { storedNames } from "./data.js";
import { naiveCleanup } from "./naive.js";

// Both sides run from dist/ (run.ts builds it first): the sweep's scratch
// thread is built JavaScript, as it is for every user of the package.
const dist = new URL("../../dist/", import.meta.url);
const load = <T>(file: string): Promise<T> => import(new URL(file, dist).href) as Promise<T>;
const { openDatabase, createMedia, ownerOf } =
  await load<typeof import("../../src/media/index.js")>("media/index.js");
const { createStorage } =
  await load<typeof import("../../src/storage/create.js")>("storage/create.js");
const { memoryDriver } = await load<typeof import("../../src/storage/drivers/memory.js")>(
  "storage/drivers/memory.js",
);
const { createPolicyStorage } =
  await load<typeof import("../../src/storage/storage.js")>("storage/storage.js");

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
const before = memoryKiB("self", "VmRSS");
// Resets VmHWM to the current RSS, so the peak below is the sweep's.
writeFileSync("/proc/self/clear_refs", "5");
const cpu = process.cpuUsage();
const started = performance.now();
let result: { orphans: number; deleted: number };
if (values.approach === "naive") {
  result = await naiveCleanup(storage, db, REFERENCES, ownerOf);
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
const peak = memoryKiB("self", "VmHWM");
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
