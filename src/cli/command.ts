import type { ParseArgsConfig } from "node:util";
import type { ResolvedConfig } from "../config/types.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface Output {
  write(text: string): unknown;
}

/** What a command receives: parsed flags, a lazy config loader and the terminal. */
export interface CommandContext {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  /** Loads the config (honouring `--config`) once, on first call. */
  config(): Promise<ResolvedConfig>;
  stdout: Output;
  stderr: Output;
  /** True when stderr is a terminal: progress bars and request logs only then. */
  isTTY: boolean;
  /** Aborted on SIGINT/SIGTERM, so long-running commands can stop gracefully. */
  signal: AbortSignal;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** Usage text for `stowage NAME --help`, flags included. */
  usage: string;
  options: OptionSpec;
  /** Whether the command takes positional arguments (at most this many). @default 0 */
  maxPositionals?: number;
  /** Returns the exit code: 0 ok, 1 the work failed, 2 bad usage. */
  run(context: CommandContext): Promise<number>;
}

/**
 * A command as `stowage --help` lists it. The module is imported only when
 * the command runs, so `stowage collect` never pays for loading sharp or the
 * HTTP stack.
 */
export interface CommandEntry {
  name: string;
  /** One line for `stowage --help`. */
  summary: string;
  load(): Promise<Command>;
}

/** Thrown by a command for wrong flags or arguments: exit code 2. */
export class UsageError extends Error {
  readonly code = "E_USAGE";
}
