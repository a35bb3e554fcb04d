import { openDatabase } from "../../media/database.js";
import { formatDuration, parseDuration } from "../../media/duration.js";
import { mediaFromConfig } from "../../media/media.js";
import type { CleanupReport } from "../../media/types.js";
import { formatBytes } from "../../uploads/format.js";
import { type Command, UsageError } from "../command.js";
import { createProgressBar } from "../progress.js";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

function describe(report: CleanupReport): string {
  const age = `older than ${formatDuration(report.olderThan)}`;
  const lines: string[] = [];
  if (report.orphans === 0) {
    lines.push(`No orphaned files ${age} (${plural(report.listed, "file")} listed).`);
  } else if (report.dryRun) {
    lines.push(
      `Dry run: ${plural(report.orphans, "orphaned file")} ${age}, ${formatBytes(report.bytes)}; nothing was deleted.`,
    );
    for (const name of report.names) lines.push(`  ${name}`);
    if (report.more > 0) lines.push(`  ... and ${report.more} more`);
  } else {
    lines.push(
      `Deleted ${plural(report.deleted, "orphaned file")} ${age}, ${formatBytes(report.bytes)} found.`,
    );
    if (report.kept > 0) {
      lines.push(
        `Kept ${report.kept}: referenced, changed or already gone when re-checked just before deleting.`,
      );
    }
  }
  if (report.young > 0)
    lines.push(`Left alone: ${plural(report.young, "file")} younger than that.`);
  if (report.skipped > 0) {
    lines.push(`Skipped: ${plural(report.skipped, "listed name")} the storage API cannot address.`);
  }
  return `${lines.join("\n")}\n`;
}

export const cleanupCommand: Command = {
  name: "cleanup",
  usage: `Usage: stowage cleanup [options]

Deletes stored media files that no record references (media.references in
media.database), with their image variants. Files younger than --older-than
are never touched, so an upload whose record is not committed yet survives.
Each file is re-checked (still old, still unreferenced) just before it is
deleted; a failure while listing or reading references deletes nothing.

Options:
  --dry-run              Delete nothing; print the count, size and first names
  --older-than DURATION  Leave files younger than this (90s, 30m, 2h, 7d); default 1h
  --storage NAME         Sweep one storage ("default" or an entry of media.storages);
                         default: every storage that has references
  --json                 Print one JSON document (orphans, bytes, deleted, names, ...)
  --config PATH          Use this config file`,
  options: {
    "dry-run": { type: "boolean" },
    "older-than": { type: "string" },
    storage: { type: "string" },
    json: { type: "boolean" },
  },
  async run(ctx) {
    const values = ctx.values;
    let olderThan: number;
    try {
      olderThan = parseDuration(values["older-than"] ?? "1h");
    } catch (error) {
      throw new UsageError(`--older-than: ${(error as Error).message}`);
    }
    const config = await ctx.config();
    const storage = values.storage as string | undefined;
    if (storage !== undefined && storage !== "default" && !(storage in config.media.storages)) {
      const known = ["default", ...Object.keys(config.media.storages)].join(", ");
      throw new UsageError(`--storage: no storage is named "${storage}" (known: ${known}).`);
    }
    // A missing SQLite file is an error here, not a fresh empty database with no references.
    const db = config.media.database
      ? await openDatabase(config.media.database, { baseDir: config.baseDir, mustExist: true })
      : undefined;
    const bar = createProgressBar(ctx.stderr, ctx.isTTY && !values.json);
    let report: CleanupReport;
    try {
      const media = await mediaFromConfig(config, db ? { database: db } : {});
      report = await media.cleanup({
        olderThan,
        storage,
        dryRun: Boolean(values["dry-run"]),
        signal: ctx.signal,
        onProgress: (progress) => {
          if (progress.phase === "scan") bar.count(`listing ${progress.storage}`, progress.listed);
          else bar.update("deleting", progress.deleted, progress.orphans);
        },
      });
    } finally {
      bar.done();
      await db?.destroy();
    }
    ctx.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
    return 0;
  },
};
