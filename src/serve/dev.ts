/**
 * Dev mode: no collect, no table. Each request asks the finders (which stat
 * the source folders), so new and changed files show on the next reload, as
 * Django's runserver does. Keys reach the finder only after the same checks
 * as production (`requestKey`), and the finder re-checks them.
 */
import { statSync } from "node:fs";
import type { Finder } from "../static/finders.js";
import { type FileEntry, type FileLookup, makeVariant } from "./core.js";
import { CACHE_DEV, contentTypeFor, etagFor } from "./headers.js";

export class DevLookup implements FileLookup {
  constructor(
    readonly prefix: string,
    private readonly finder: Finder,
  ) {}

  lookup(key: string): FileEntry | undefined {
    const found = this.finder.find(key);
    if (found === null) return undefined;
    let info: ReturnType<typeof statSync>;
    try {
      info = statSync(found.absolute);
    } catch {
      // Deleted between the finder's stat and ours.
      return undefined;
    }
    const mtime = Math.floor(info.mtimeMs / 1000);
    const variant = makeVariant(
      {
        contentType: contentTypeFor(key),
        size: info.size,
        encoding: "identity",
        // Millisecond mtime: an edit within the same second must still change the tag.
        etag: etagFor(info.size, Math.floor(info.mtimeMs)),
        lastModified: new Date(mtime * 1000).toUTCString(),
        cacheControl: CACHE_DEV,
        vary: false,
      },
      found.absolute,
      undefined,
    );
    return { mtime, variants: [variant], encodings: ["identity"] };
  }
}
