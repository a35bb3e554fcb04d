import { collect } from "../../static/collect/index.js";
import { createStorage } from "../../storage/index.js";
import type { Command } from "../command.js";
import { createProgressBar } from "../progress.js";

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export const collectCommand: Command = {
  name: "collect",
  usage: `Usage: stowage collect [options]

Copies every file from static.dirs and static.apps into static.root (first
source wins), writes content-hashed copies with their references rewritten,
precompresses them, and writes staticfiles.json last.

Options:
  --clear               Empty static.root first
  --dry-run             Write nothing; list what would be written
  --link                Symlink originals to their sources instead of copying
  -i, --ignore PATTERN  Ignore files matching PATTERN (repeatable)
  --no-default-ignore   Do not ignore .*, *~ and CVS
  --no-hash             No hashed copies, no manifest
  --no-compress         No .br/.gz variants
  --json                Print one JSON summary
  --noinput, --no-input Accepted and ignored: collect never asks questions
  --config PATH         Use this config file`,
  options: {
    clear: { type: "boolean" },
    "dry-run": { type: "boolean" },
    link: { type: "boolean" },
    ignore: { type: "string", short: "i", multiple: true },
    "default-ignore": { type: "boolean" },
    hash: { type: "boolean" },
    compress: { type: "boolean" },
    json: { type: "boolean" },
    // Django deploy scripts pass these; collect never prompts, so they change nothing.
    noinput: { type: "boolean" },
    input: { type: "boolean" },
  },
  async run(ctx) {
    const config = await ctx.config();
    const values = ctx.values;
    const staticConfig = {
      ...config.static,
      ignore: [...config.static.ignore, ...((values.ignore as string[] | undefined) ?? [])],
      defaultIgnore: values["default-ignore"] !== false,
      hash: values.hash === false ? false : config.static.hash,
      compress: values.compress === false ? [] : config.static.compress,
    };
    const storage = config.static.storage
      ? createStorage(config.static.storage, {
          baseDir: config.baseDir,
          secret: config.secret,
          baseUrl: config.static.url,
        })
      : undefined;
    const bar = createProgressBar(ctx.stderr, ctx.isTTY && !values.json);
    let summary: Awaited<ReturnType<typeof collect>>;
    try {
      summary = await collect({
        static: staticConfig,
        clear: Boolean(values.clear),
        dryRun: Boolean(values["dry-run"]),
        link: Boolean(values.link),
        storage,
        onProgress: (phase, done, total) => bar.update(phase, done, total),
      });
    } finally {
      bar.done();
    }
    if (values.json) {
      ctx.stdout.write(
        `${JSON.stringify(
          {
            files: summary.files,
            collected: summary.collected,
            unchanged: summary.unchanged,
            hashed: summary.hashed,
            compressed: summary.compressed,
            duplicates: summary.duplicates.length,
            bytes: summary.bytes,
            ms: summary.ms,
            dryRun: summary.dryRun,
            written: summary.dryRun ? summary.written : undefined,
            manifestHash: summary.manifest?.hash,
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    for (const duplicate of summary.duplicates) {
      ctx.stderr.write(
        `duplicate: ${duplicate.path} from ${duplicate.winner.source.origin} hides ${duplicate.shadowed
          .map((file) => `${file.source.origin} (${file.absolute})`)
          .join(", ")}\n`,
      );
    }
    if (summary.dryRun) {
      for (const name of summary.written.sort()) ctx.stdout.write(`would write ${name}\n`);
      ctx.stdout.write(
        `Dry run: ${summary.written.length} files would be written to ${config.static.root}; nothing was written.\n`,
      );
      return 0;
    }
    const compressed = Object.entries(summary.compressed)
      .map(([format, count]) => `${count} ${format}`)
      .join(", ");
    ctx.stdout.write(
      `${summary.collected} collected, ${summary.unchanged} unchanged, ${summary.hashed} hashed` +
        `${compressed ? `, compressed ${compressed}` : ""}; ${formatBytes(summary.bytes)} written to ${config.static.storage ? "static.storage" : config.static.root} in ${summary.ms} ms.\n`,
    );
    return 0;
  },
};
