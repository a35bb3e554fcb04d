import { ConfigError } from "../errors.js";

/** Refuses an option object's unknown keys, naming the key: a typo must not be silently ignored. */
export function checkOptions(options: object, allowed: string[], where: string): void {
  if (typeof options !== "object" || options === null) {
    throw new ConfigError(`${where} takes an options object.`, { key: where });
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(
        `Unknown option "${key}" for ${where}. Known options: ${allowed.join(", ")}.`,
        { key },
      );
    }
  }
}
