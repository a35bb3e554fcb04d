import { loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/types.js";
import { StowageError } from "../errors.js";
import { closestMatch } from "../option-keys.js";
import { parseCommandArgs } from "./args.js";
import type { Command, CommandContext, Output } from "./command.js";
import { UsageError } from "./command.js";
import { commands } from "./commands/index.js";

export interface MainOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdout?: Output;
  stderr?: Output;
  isTTY?: boolean;
  signal?: AbortSignal;
}

const red = (text: string, color: boolean) => (color ? `\x1b[31m${text}\x1b[39m` : text);

function globalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: stowage <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Every command takes --config PATH and --help.",
    "",
  ].join("\n");
}

/**
 * Run the CLI with `argv` (without node and the script) and return the exit
 * code. The bin file is the only place that turns it into `process.exit`.
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const isTTY = options.isTTY ?? Boolean(process.stderr.isTTY);
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    stdout.write(globalHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    const { createRequire } = await import("node:module");
    const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
    stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    const suggestion = closestMatch(
      name,
      commands.map((c) => c.name),
    );
    const hint = suggestion ? ` Did you mean "stowage ${suggestion}"?` : "";
    stderr.write(
      `${red(`Unknown command "${name}".`, isTTY)}${hint} Run "stowage --help" for the list.\n`,
    );
    return 2;
  }
  const command: Command = await entry.load();
  // Usage errors are one line: the problem, then where the usage is.
  const usageError = (error: UsageError) => {
    stderr.write(`${red(error.message, isTTY)} Run "stowage ${name} --help".\n`);
    return 2;
  };
  let parsed: ReturnType<typeof parseCommandArgs>;
  try {
    parsed = parseCommandArgs(rest, command.options);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error);
    throw error;
  }
  if (parsed.values.help) {
    stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  if (parsed.positionals.length > (command.maxPositionals ?? 0)) {
    return usageError(new UsageError(`Unexpected argument "${parsed.positionals.at(-1)}".`));
  }
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  let configPromise: Promise<ResolvedConfig> | undefined;
  const context: CommandContext = {
    values: parsed.values as CommandContext["values"],
    positionals: parsed.positionals,
    config: () => {
      configPromise ??= loadConfig({ cwd, env, file: parsed.values.config as string | undefined });
      return configPromise;
    },
    stdout,
    stderr,
    isTTY,
    signal: options.signal ?? new AbortController().signal,
    cwd,
    env,
  };
  try {
    return await command.run(context);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error);
    if (error instanceof StowageError) {
      stderr.write(`${red(`error: ${error.message}`, isTTY)}\n`);
      return 1;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    stderr.write(`${red(`unexpected error: ${message}`, isTTY)}\n`);
    return 1;
  }
}
