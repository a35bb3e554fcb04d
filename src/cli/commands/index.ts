import type { Command } from "../command.js";
import { checkCommand } from "./check.js";
import { collectCommand } from "./collect.js";
import { findCommand } from "./find.js";

/** Every CLI command, in the order `stowage --help` lists them. */
export const commands: Command[] = [collectCommand, findCommand, checkCommand];
