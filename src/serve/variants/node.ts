/** node:http / Connect / Express adapter for the variant handler: `(req, res, next?)`. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { VariantHandler, VariantResponse } from "./handler.js";
import { createVariantHandler, type VariantHandlerOptions } from "./handler.js";

export type VariantNodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

function send(res: ServerResponse, response: VariantResponse): void {
  res.writeHead(response.status, response.headers);
  const body = response.body;
  if (body === null || typeof body === "string" || Buffer.isBuffer(body)) {
    res.end(body ?? undefined);
    return;
  }
  // Headers are gone already, so a read error can only cut the connection.
  body.on("error", () => res.destroy());
  res.on("close", () => body.destroy());
  body.pipe(res);
}

/**
 * Middleware serving declared variants; anything else goes to `next()`
 * (a bare node:http server without `next` answers 404). Render failures that
 * are not about the image go to `next(error)`, or a 500 without `next`.
 */
export function variantNodeHandler(
  handlerOrOptions: VariantHandler | VariantHandlerOptions,
): VariantNodeHandler {
  const handle =
    typeof handlerOrOptions === "function"
      ? handlerOrOptions
      : createVariantHandler(handlerOrOptions);
  return (req, res, next) => {
    const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/";
    handle({ method: req.method ?? "GET", target }).then(
      (response) => {
        if (response !== null) send(res, response);
        else if (next) next();
        else
          send(res, {
            status: 404,
            headers: { "content-type": "text/plain" },
            body: "Not found.\n",
          });
      },
      (error: unknown) => {
        if (next) next(error);
        else
          send(res, {
            status: 500,
            headers: { "content-type": "text/plain" },
            body: "Internal error.\n",
          });
      },
    );
  };
}
