import { parseArgs } from "node:util";
import { closestMatch } from "../option-keys.js";
import { type OptionSpec, UsageError } from "./command.js";

/** Flags every command takes. */
const GLOBAL_OPTIONS: OptionSpec = {
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
};

/** Every spelling of every flag: `--name`, `--no-name` for booleans, `-x` for shorts. */
function spellings(options: OptionSpec): string[] {
  const out: string[] = [];
  for (const [name, option] of Object.entries(options)) {
    out.push(`--${name}`);
    if (option.type === "boolean") out.push(`--no-${name}`);
    if (option.short) out.push(`-${option.short}`);
  }
  return out;
}

/** The flags in `args` that `options` does not declare, as typed. */
function unknownFlags(args: string[], options: OptionSpec): string[] {
  const { tokens } = parseArgs({
    args,
    options,
    allowPositionals: true,
    allowNegative: true,
    strict: false,
    tokens: true,
  });
  const unknown: string[] = [];
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const option = options[token.name];
    const negated = token.rawName.startsWith("--no-") && token.rawName !== `--${token.name}`;
    if (!option || (negated && option.type !== "boolean")) unknown.push(token.rawName);
  }
  return unknown;
}

/**
 * Parse a command's flags, or throw a one-line `UsageError`: an unknown flag
 * is named with the closest known one (`--cleer` -> "did you mean --clear?").
 */
export function parseCommandArgs(
  args: string[],
  commandOptions: OptionSpec,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  const options = { ...commandOptions, ...GLOBAL_OPTIONS };
  const [unknown] = unknownFlags(args, options);
  if (unknown !== undefined) {
    const suggestion = closestMatch(unknown, spellings(options));
    throw new UsageError(
      `Unknown flag ${unknown}${suggestion ? `; did you mean ${suggestion}?` : "."}`,
    );
  }
  try {
    const parsed = parseArgs({
      args,
      options,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
    return {
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    // Node's messages can span lines; the CLI prints one.
    throw new UsageError((error as Error).message.replace(/\s*\n\s*/g, " "), { cause: error });
  }
}
