import path from "node:path";
import { ConfigError } from "../errors.js";

/** A database URL after parsing: which driver, and what it opens. */
export type DatabaseLocation =
  | { dialect: "sqlite" /** Absolute file path, or `:memory:`. */; file: string }
  | { dialect: "postgres" /** The `postgres://` URL as given (libpq form). */; url: string };

/**
 * `sqlite:PATH` (a relative PATH resolves from `baseDir`; `sqlite:///abs/path`
 * and `sqlite::memory:` work too) or `postgres://` / `postgresql://`. Anything
 * else is refused with `key` named, so a typo never reaches a driver.
 */
export function parseDatabaseUrl(
  url: unknown,
  options: { baseDir?: string; key?: string } = {},
): DatabaseLocation {
  const key = options.key ?? "media.database";
  const refuse = (reason: string): never => {
    const found = typeof url === "string" ? `the string ${JSON.stringify(url)}` : typeof url;
    throw new ConfigError(
      `Config key "${key}" must be "sqlite:PATH" or a "postgres://" URL; found ${found} (${reason}).`,
      { key },
    );
  };
  if (typeof url !== "string" || url === "") return refuse("not a non-empty string");
  if (url.startsWith("sqlite:")) {
    let file = url.slice("sqlite:".length);
    if (file.startsWith("//")) file = file.slice(2);
    if (file === "") return refuse("no file path after sqlite:");
    if (file === ":memory:") return { dialect: "sqlite", file };
    return { dialect: "sqlite", file: path.resolve(options.baseDir ?? process.cwd(), file) };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse("not a valid URL");
    }
    if (parsed.hostname === "") return refuse("no host");
    return { dialect: "postgres", url };
  }
  return refuse('only "sqlite:" and "postgres://" databases are supported');
}

/** The URL as messages show it: a PostgreSQL password is masked. */
export function describeDatabaseUrl(url: string): string {
  if (!url.startsWith("postgres")) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "the configured PostgreSQL database";
  }
}
