/**
 * Dev mode: no collect, no table. Each request asks the finders (which stat
 * the source folders), so new and changed files show on the next reload.
 * Keys reach the finder only after the same checks
 * as production (`requestKey`), and the finder re-checks them.
 */
import type { Stats } from "node:fs";
import { resolveConfig } from "../../config/resolve.js";
import { createFinder, type Finder } from "../../static/finders.js";
import { isReadMethod, methodNotAllowed, type ServeRequest, type ServeResponse } from "../core.js";
import { CACHE_DEV, type HeaderFacts } from "../headers.js";
import { contentTypeFor } from "../mime.js";
import { openedFacts, respondFromFile } from "./respond.js";

/** The finder over the default `static.dirs` of the working directory (`./static` when it exists). */
export function defaultFinder(): Finder {
  return createFinder(resolveConfig({}, process.cwd()).static);
}

function devFacts(contentType: string, stats: Stats): HeaderFacts {
  return {
    contentType,
    encoding: "identity",
    ...openedFacts(stats),
    cacheControl: CACHE_DEV,
    vary: false,
    cors: true,
  };
}

/**
 * Answer `key` from the first source that has it, or `null`. Links in the
 * source folders are followed: they are the developer's own tree, which
 * `collect` follows too.
 */
export function respondDev(
  finder: Finder,
  key: string,
  request: ServeRequest,
): ServeResponse | null | Promise<ServeResponse | null> {
  const found = finder.find(key);
  if (found === null) return null;
  if (!isReadMethod(request.method)) return methodNotAllowed();
  const contentType = contentTypeFor(key);
  return respondFromFile(found.absolute, request, (stats) => devFacts(contentType, stats), true);
}
