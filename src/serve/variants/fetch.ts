/** Fetch adapter for the variant handler: `(Request) => Promise<Response | null>` (Hono, Bun, Deno). */
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { VariantHandler } from "./handler.js";
import { createVariantHandler, type VariantHandlerOptions } from "./handler.js";

/** A `Response` for a declared variant, `null` for anything else (in Hono: `?? next()`). */
export function variantFetchHandler(
  handlerOrOptions: VariantHandler | VariantHandlerOptions,
): (request: Request) => Promise<Response | null> {
  const handle =
    typeof handlerOrOptions === "function"
      ? handlerOrOptions
      : createVariantHandler(handlerOrOptions);
  return async (request) => {
    const url = new URL(request.url);
    const response = await handle({ method: request.method, target: url.pathname + url.search });
    if (response === null) return null;
    const body = response.body;
    let payload: BodyInit | null;
    if (body === null || typeof body === "string") payload = body;
    else if (Buffer.isBuffer(body)) payload = body as unknown as BodyInit;
    else payload = Readable.toWeb(body) as NodeReadableStream<Uint8Array> as unknown as BodyInit;
    return new Response(payload, { status: response.status, headers: response.headers });
  };
}
