/** Fetch adapter, `(Request) => Promise<Response | null>`, for Hono, Bun and Deno. */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { ServeResponse } from "../core.js";
import { createStaticFiles, StaticFiles, type StaticFilesOptions } from "../files.js";

export type FetchHandler = (request: Request) => Promise<Response | null>;

/** The request target (path + query) of an absolute URL, without re-parsing it. */
function targetOf(url: string): string {
  const authority = url.indexOf("//");
  const slash = url.indexOf("/", authority === -1 ? 0 : authority + 2);
  return slash === -1 ? "/" : url.slice(slash);
}

/** Turn a response plan into a fetch `Response`. */
export function toFetchResponse(response: ServeResponse): Response {
  const body = response.body;
  let payload: BodyInit | null = null;
  if (Buffer.isBuffer(body)) {
    payload = body as unknown as BodyInit;
  } else if (body !== null) {
    const stream = createReadStream(body.file, { start: body.start, end: body.end });
    payload = Readable.toWeb(stream) as NodeReadableStream<Uint8Array> as unknown as BodyInit;
  }
  return new Response(payload, { status: response.status, headers: response.headers });
}

/**
 * A fetch handler: a `Response` for our files, `null` for anything else so
 * the framework carries on (in Hono: `return (await handler(c.req.raw)) ?? next()`).
 * Runtimes hand over URLs already parsed and normalised, so dot segments are
 * resolved before we see them; the table lookup keeps the guarantee anyway.
 */
export function fetchHandler(filesOrOptions: StaticFiles | StaticFilesOptions): FetchHandler {
  const files =
    filesOrOptions instanceof StaticFiles ? filesOrOptions : createStaticFiles(filesOrOptions);
  return async (request) => {
    const headers = request.headers;
    const response = files.respond({
      method: request.method,
      target: targetOf(request.url),
      acceptEncoding: headers.get("accept-encoding") ?? undefined,
      range: headers.get("range") ?? undefined,
      ifNoneMatch: headers.get("if-none-match") ?? undefined,
      ifModifiedSince: headers.get("if-modified-since") ?? undefined,
      ifRange: headers.get("if-range") ?? undefined,
    });
    return response === null ? null : toFetchResponse(response);
  };
}
