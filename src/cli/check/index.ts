import type { ConfigProblem, ResolvedConfig } from "../../config/types.js";
import { checkStaticConfig } from "../../static/check.js";
import { checkDatabase } from "./database.js";
import { checkImageVariants, checkUploadOptions } from "./options.js";
import { checkStorages } from "./storages.js";

/**
 * Everything `stowage check` reports, without changing anything: the static
 * layout, every storage (spec, driver packages, secret), image variants,
 * upload options and the database the record helpers and the sweep use. Each part asks the module that owns the option, so check
 * and the running app never disagree.
 */
export function checkConfig(config: ResolvedConfig): ConfigProblem[] {
  return [
    ...checkStaticConfig(config),
    ...checkStorages(config),
    ...checkImageVariants(config),
    ...checkUploadOptions(config),
    ...checkDatabase(config),
  ];
}
