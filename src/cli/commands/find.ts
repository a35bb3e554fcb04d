import { createFinder } from "../../static/finders.js";
import { type Command, UsageError } from "../command.js";

export const findCommand: Command = {
  name: "find",
  usage: `Usage: stowage find PATH [--all] [--json]

Prints the source file that "collect" would use for PATH (relative to
static.url). With --all, every candidate in search order; the first wins.
Exits 1 when no source has PATH.`,
  options: { all: { type: "boolean" }, json: { type: "boolean" } },
  maxPositionals: 1,
  async run(ctx) {
    const wanted = ctx.positionals[0];
    if (!wanted) throw new UsageError("stowage find needs a PATH, e.g. stowage find css/site.css");
    const config = await ctx.config();
    const finder = createFinder(config.static);
    const found = finder.findAll(wanted);
    const shown = ctx.values.all ? found : found.slice(0, 1);
    if (ctx.values.json) {
      ctx.stdout.write(
        `${JSON.stringify(
          {
            path: wanted,
            found: shown.map((f) => ({ file: f.absolute, source: f.source.origin })),
          },
          null,
          2,
        )}\n`,
      );
      return found.length > 0 ? 0 : 1;
    }
    if (found.length === 0) {
      ctx.stderr.write(`No source has "${wanted}".\n`);
      return 1;
    }
    shown.forEach((file, index) => {
      const note = ctx.values.all ? (index === 0 ? "  (used)" : "  (hidden)") : "";
      ctx.stdout.write(`${file.absolute}${note}\n`);
    });
    return 0;
  },
};
