/**
 * Serving one object of a storage under the media policy: what the media
 * handler and the variant handler both send, so an uploaded file or image
 * variant gets the same answer whichever of them finds it.
 */
import { checkName } from "../../storage/names.js";
import type { Storage, StorageStat } from "../../storage/types.js";
import { bytesToSend, decide, planFor, type ServeRequest, type ServeResponse } from "../core.js";
import { type HeaderFacts, modifiedAt } from "../headers.js";
import { isExecutableType, typeFor } from "../mime.js";
import { REJECTED, type RequestKey, requestKey } from "../path.js";

export interface MediaPolicy {
  cacheControl: string;
  /** The disposition a signed link asked for. */
  disposition?: string | undefined;
}

/**
 * The storage name a request target under `prefix` names: the same decoder
 * as static files, then the storage's own name check, so a target either
 * names a key the storage would accept or is `REJECTED` (404).
 */
export function storedName(target: string, prefix: string): RequestKey {
  const key = requestKey(target, prefix);
  if (typeof key !== "string") return key;
  try {
    return checkName(key);
  } catch {
    return REJECTED;
  }
}

/** `attachment` with the same filename parameters, whatever the disposition said. */
function forceAttachment(disposition: string | undefined): string {
  if (!disposition) return "attachment";
  return disposition.replace(/^\s*inline\b/i, "attachment");
}

/**
 * The facts of a stored object: its type (as stored, else from the name;
 * no charset is claimed for bytes a user uploaded),
 * validators from the storage, `nosniff` and no CORS; active content (HTML,
 * SVG, XML, JavaScript) is forced to a download in a sandbox, so an upload
 * can never run script in the site's origin.
 */
export function mediaFacts(
  name: string,
  stat: Pick<StorageStat, "size" | "lastModified" | "etag" | "contentType">,
  policy: MediaPolicy,
): HeaderFacts {
  const contentType = stat.contentType ?? typeFor(name);
  const sandbox = isExecutableType(contentType);
  return {
    contentType,
    size: stat.size,
    encoding: "identity",
    etag: stat.etag,
    ...modifiedAt(stat.lastModified.getTime()),
    cacheControl: policy.cacheControl,
    vary: false,
    cors: false,
    disposition: sandbox ? forceAttachment(policy.disposition) : policy.disposition,
    sandbox,
  };
}

/** Answer from storage: the bytes are opened (as a range when one was asked for) only when sent. `null` when the object is gone. */
export async function respondStored(
  storage: Storage,
  name: string,
  stat: StorageStat,
  request: ServeRequest,
  policy: MediaPolicy,
): Promise<ServeResponse | null> {
  const facts = mediaFacts(name, stat, policy);
  const decision = decide(request, facts);
  const bytes = bytesToSend(decision, facts, request.method);
  if (bytes === null) return planFor(decision, facts, null);
  const whole = bytes.start === 0 && bytes.end === facts.size - 1;
  let stream: Awaited<ReturnType<Storage["open"]>>;
  try {
    stream = await storage.open(name, whole ? {} : { range: bytes });
  } catch (error) {
    // Deleted between stat and open: as if it had never been there.
    if ((error as { code?: unknown }).code === "E_NOT_FOUND") return null;
    throw error;
  }
  return planFor(decision, facts, { length: bytes.end - bytes.start + 1, stream });
}

/** Answer from bytes in memory (a variant just rendered). */
export function respondBytes(
  name: string,
  data: Buffer,
  stat: Pick<StorageStat, "lastModified" | "etag" | "contentType">,
  request: ServeRequest,
  policy: MediaPolicy,
): ServeResponse {
  const facts = mediaFacts(name, { ...stat, size: data.length }, policy);
  const decision = decide(request, facts);
  const bytes = bytesToSend(decision, facts, request.method);
  return planFor(decision, facts, bytes && data.subarray(bytes.start, bytes.end + 1));
}
