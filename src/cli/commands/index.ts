import type { Command } from "../command.js";
import { checkCommand } from "./check.js";
import { collectCommand } from "./collect.js";
import { findCommand } from "./find.js";
import { nginxCommand } from "./nginx.js";
import { serveCommand } from "./serve.js";

/** Every CLI command, in the order `stowage --help` lists them. */
export const commands: Command[] = [
  collectCommand,
  findCommand,
  serveCommand,
  nginxCommand,
  checkCommand,
];
