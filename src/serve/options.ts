import { ConfigError } from "../errors.js";

/**
 * Refuse option keys a function does not read, naming the key: a misspelt
 * option (`memoryBudjet`) must fail at start-up, not be silently ignored.
 */
export function checkOptionKeys(options: object, known: readonly string[], what: string): void {
  if (typeof options !== "object" || options === null) {
    throw new ConfigError(`${what} needs an options object, not ${JSON.stringify(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError(
        `Unknown option "${key}" for ${what}. Known options: ${known.join(", ")}.`,
        { key },
      );
    }
  }
}
