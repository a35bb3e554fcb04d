/**
 * Answering one request for one encoding of a static file: from memory with
 * the responses prepared at start-up, or from disk with headers taken from
 * the file actually opened.
 */
import type { Stats } from "node:fs";
import { fileBody, openFile } from "../body.js";
import {
  bytesToSend,
  decide,
  makeResponse,
  planFor,
  type ServeRequest,
  type ServeResponse,
} from "../core.js";
import type { Encoding } from "../encoding.js";
import {
  etagFor,
  fullHeaders,
  type HeaderFacts,
  modifiedAt,
  partialHeaders,
  validatorHeaders,
} from "../headers.js";

/** One stored encoding of a file, with its facts as the start-up scan saw them. */
export interface Encoded {
  encoding: Encoding;
  /** Absolute real path of the bytes on disk. */
  file: string;
  facts: HeaderFacts;
  /** What `stat` said at start-up; a file that no longer matches is described afresh. */
  scanned: { size: number; mtimeMs: number; ino: number };
  /** The whole content, when it fits the memory budget, with its responses prepared. */
  memory: InMemory | undefined;
}

interface InMemory {
  data: Buffer;
  get: ServeResponse;
  head: ServeResponse;
  notModified: ServeResponse;
}

/** Hold `data` and prepare the three responses that do not depend on the request. */
export function inMemory(facts: HeaderFacts, data: Buffer): InMemory {
  const headers = fullHeaders(facts);
  return {
    data,
    get: makeResponse(200, headers, data),
    head: makeResponse(200, headers, null),
    notModified: makeResponse(304, validatorHeaders(facts), null),
  };
}

/** Answer from memory: no I/O, and for plain GET, HEAD and 304 no allocation. */
export function respondInMemory(
  memory: InMemory,
  facts: HeaderFacts,
  request: ServeRequest,
): ServeResponse {
  const decision = decide(request, facts);
  switch (decision.status) {
    case 200:
      return request.method === "HEAD" ? memory.head : memory.get;
    case 304:
      return memory.notModified;
    case 206:
      return makeResponse(
        206,
        partialHeaders(facts, decision.start, decision.end),
        memory.data.subarray(decision.start, decision.end + 1),
      );
    default:
      return planFor(decision, facts, null);
  }
}

/**
 * Answer from a file on disk. The file is opened and `fstat`ed first and the
 * response describes what that open file holds (`factsFor`), so a file
 * rewritten or replaced since start-up is sent whole under its own length
 * and validator, never as a short body under the old ones. `null` when the
 * file is gone.
 */
export async function respondFromFile(
  file: string,
  request: ServeRequest,
  factsFor: (stats: Stats) => HeaderFacts,
  followLinks: boolean,
): Promise<ServeResponse | null> {
  const opened = await openFile(file, followLinks);
  if (opened === null) return null;
  const facts = factsFor(opened.stats);
  const decision = decide(request, facts);
  const bytes = bytesToSend(decision, facts, request.method);
  if (bytes === null) {
    await opened.handle.close();
    return planFor(decision, facts, null);
  }
  return planFor(decision, facts, fileBody(opened, bytes.start, bytes.end));
}

/** The scanned facts when the opened file is the one scanned, else facts describing the file as it is now. */
export function currentFacts(encoded: Encoded, stats: Stats): HeaderFacts {
  const { scanned, facts } = encoded;
  if (
    stats.size === scanned.size &&
    stats.mtimeMs === scanned.mtimeMs &&
    stats.ino === scanned.ino
  ) {
    return facts;
  }
  return { ...facts, ...openedFacts(stats) };
}

/** Size, validator and date of a file as `fstat` describes it now. */
export function openedFacts(
  stats: Stats,
): Pick<HeaderFacts, "size" | "etag" | "mtime" | "lastModified"> {
  return {
    size: stats.size,
    // Millisecond mtime: a rewrite within the same second must still change the tag.
    etag: etagFor(stats.size, Math.floor(stats.mtimeMs)),
    ...modifiedAt(stats.mtimeMs),
  };
}
