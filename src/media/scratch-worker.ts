import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { ownerOf } from "./owners.js";
import { type OrphanCount, type OrphanPage, Scratch } from "./scratch.js";

/*
 * The scratch thread: owns the sweep's SQLite scratch file. The sweep's
 * thread only lists and reads references and posts them here in batches;
 * the inserts, the index and the anti-join run beside it.
 */

/** Batches and requests the sweep posts, handled in order. */
export type ScratchRequest =
  | { kind: "references"; storage: number; names: string[] }
  | { kind: "files"; storage: number; names: string[]; sizes: number[] }
  | { kind: "referencesComplete" }
  | { kind: "finish" }
  | { kind: "orphans"; afterId: number; limit: number }
  | { kind: "close" };

type Work = Exclude<ScratchRequest, { kind: "close" }>;

/** One answer per request, in order: a batch's is `done` (the sweep waits for room). */
export type ScratchAnswer =
  | { kind: "done" }
  | { kind: "finished"; counts: OrphanCount[] }
  | { kind: "orphans"; page: OrphanPage }
  | { kind: "failed"; message: string };

/** Where the thread keeps its file: a folder the sweep created and removes. */
export interface ScratchWorkerData {
  dir: string;
}

const port = parentPort!;
const { dir } = workerData as ScratchWorkerData;
let scratch: Scratch | undefined;
let failed = false;

function handle(request: Work, scratch: Scratch): ScratchAnswer | undefined {
  switch (request.kind) {
    case "references":
      scratch.addReferences(request.storage, request.names);
      return { kind: "done" };
    case "files":
      addFiles(scratch, request);
      return { kind: "done" };
    case "referencesComplete":
      scratch.referencesComplete();
      return undefined;
    case "finish":
      return { kind: "finished", counts: scratch.finish() };
    case "orphans":
      return { kind: "orphans", page: scratch.orphans(request.afterId, request.limit) };
  }
}

/** Closes the file (the sweep deletes it, so a failure to close changes nothing) and ends the thread. */
function shut(): void {
  try {
    scratch?.close();
  } catch {}
  scratch = undefined;
  port.close();
}

/** A variant carries its original, so it goes only with it. */
function addFiles(into: Scratch, batch: { storage: number; names: string[]; sizes: number[] }) {
  const owners = batch.names.map((name) => {
    const owner = ownerOf(name);
    return owner === name ? null : owner;
  });
  into.addFiles(batch.storage, batch.names, owners, batch.sizes);
}

function fail(error: unknown): void {
  failed = true;
  const message = error instanceof Error ? error.message : String(error);
  port.postMessage({ kind: "failed", message } satisfies ScratchAnswer);
}

try {
  scratch = new Scratch(new Database(path.join(dir, "sweep.db")));
} catch (error) {
  fail(error);
}

port.on("message", (request: ScratchRequest) => {
  // After a failure the sweep has its error and waits for nothing more; only close is heard.
  if (request.kind === "close") return shut();
  if (failed || scratch === undefined) return;
  try {
    const answer = handle(request, scratch);
    if (answer) port.postMessage(answer);
  } catch (error) {
    fail(error);
  }
});
