import type { ConfigProblem } from "../../config/types.js";
import { ConfigError } from "../../errors.js";
import { checkConfig } from "../check/index.js";
import type { Command } from "../command.js";

export const checkCommand: Command = {
  name: "check",
  usage: `Usage: stowage check [--json]

Loads the configuration and reports problems: missing or misplaced source
folders, static.root inside a source, overlapping URLs, a missing manifest;
storages with an unknown driver or a bad spec, npm packages their driver
needs that are not installed, signed fs/memory storages without a secret;
invalid images.variants and media.uploads. Exits 1 when there is an error.`,
  options: { json: { type: "boolean" } },
  async run(ctx) {
    let problems: ConfigProblem[];
    try {
      problems = checkConfig(await ctx.config());
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = [{ level: "error", key: error.key, message: error.message }];
    }
    if (ctx.values.json) {
      ctx.stdout.write(`${JSON.stringify({ problems }, null, 2)}\n`);
    } else if (problems.length === 0) {
      ctx.stdout.write("No problems found.\n");
    } else {
      for (const problem of problems) ctx.stdout.write(`${problem.level}: ${problem.message}\n`);
    }
    return problems.some((p) => p.level === "error") ? 1 : 0;
  },
};
