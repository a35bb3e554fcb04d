// Stowage's handlers for static files and media, mounted on the app. Media
// error answers (403 for a tampered or expired private link, 404 for a
// folder or a missing file) become the site's own error pages.
import { pipeline } from "node:stream/promises";
import {
  createMediaHandler,
  createStaticFiles,
  createVariantHandler,
  mediaMountsFromConfig,
  nodeHandler,
  staticOptionsFromConfig,
  variantNodeHandler,
} from "stowage/serve";

/** Hashed names, immutable caching, precompressed variants: `/static/...`. @param {import("stowage").ResolvedConfig} config */
export function staticMiddleware(config) {
  return nodeHandler(createStaticFiles(staticOptionsFromConfig(config)));
}

/**
 * Public media under `/media/` (uploaded HTML, SVG and scripts are sent as
 * attachments with a sandbox policy), private media under `/media-private/`
 * with a valid signature only, and image variants made on first request.
 * @param {import("stowage").ResolvedConfig} config
 * @param {Record<string, import("stowage/storage").Storage> & { default: import("stowage/storage").Storage }} storages
 * @param {(req: import("express").Request, res: import("express").Response, status: number, message: string) => void} errorPage
 */
export function mediaMiddleware(config, storages, errorPage) {
  const handle = createMediaHandler({
    mounts: mediaMountsFromConfig(config, storages),
    secret: config.secret,
  });
  const variants = variantNodeHandler(
    createVariantHandler({
      storage: storages.default,
      variants: config.images.variants,
      prefix: config.media.url,
    }),
  );
  /** @type {import("express").RequestHandler} */
  return (req, res, next) => {
    const request = {
      method: req.method,
      url: req.originalUrl,
      header: (/** @type {string} */ name) => req.get(name),
    };
    handle(request)
      .then(async (response) => {
        if (response === null) return variants(req, res, next);
        if (response.status === 403) {
          return errorPage(
            req,
            res,
            403,
            "This link is not valid: it was changed or it has expired. Open the document's page again for a fresh link.",
          );
        }
        if (response.status === 404) return next();
        res.writeHead(response.status, response.headers);
        if (response.body === undefined) return void res.end();
        if (typeof response.body === "string") return void res.end(response.body);
        // Headers are out: a storage error can only cut the response short.
        await pipeline(/** @type {import("node:stream").Readable} */ (response.body), res).catch(
          () => res.destroy(),
        );
      })
      .catch(next);
  };
}
