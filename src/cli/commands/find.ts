import { createFinder } from "../../static/finders.js";
import { readManifestSync } from "../../static/manifest.js";
import { type Command, UsageError } from "../command.js";
import { originalOfHashed, staticPathOf } from "../find-target.js";

export const findCommand: Command = {
  name: "find",
  usage: `Usage: stowage find PATH [--all] [--json]

Prints the source file that "collect" would use for PATH. PATH is relative
to static.url (css/site.css), a URL under it (/static/css/site.css or the
full CDN URL), or a hashed name from staticfiles.json
(css/site.3f2a9c1d0b7e.css), which finds the source of its original.
With --all, every candidate in search order; the first wins.
Exits 1 when no source has PATH.`,
  options: { all: { type: "boolean" }, json: { type: "boolean" } },
  maxPositionals: 1,
  async run(ctx) {
    const wanted = ctx.positionals[0];
    if (!wanted) throw new UsageError("stowage find needs a PATH, e.g. stowage find css/site.css");
    const config = await ctx.config();
    const finder = createFinder(config.static);
    let relative = staticPathOf(wanted, config.static.url);
    let found = finder.findAll(relative);
    let hashedFrom: string | undefined;
    if (found.length === 0) {
      const original = originalOfHashed(relative, readManifestSync(config.static.root));
      if (original !== undefined) {
        hashedFrom = relative;
        relative = original;
        found = finder.findAll(original);
      }
    }
    const shown = ctx.values.all ? found : found.slice(0, 1);
    if (ctx.values.json) {
      ctx.stdout.write(
        `${JSON.stringify(
          {
            path: relative,
            requested: wanted,
            hashed: hashedFrom,
            found: shown.map((f) => ({ file: f.absolute, source: f.source.origin })),
          },
          null,
          2,
        )}\n`,
      );
      return found.length > 0 ? 0 : 1;
    }
    if (found.length === 0) {
      ctx.stderr.write(`No source has "${relative}".\n`);
      return 1;
    }
    if (hashedFrom !== undefined) {
      ctx.stderr.write(`${hashedFrom} is the hashed copy of ${relative}.\n`);
    }
    shown.forEach((file, index) => {
      const note = ctx.values.all ? (index === 0 ? "  (used)" : "  (hidden)") : "";
      ctx.stdout.write(`${file.absolute}${note}\n`);
    });
    return 0;
  },
};
