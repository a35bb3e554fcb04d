// Stowage's handlers for static files, image variants and media, served by
// one middleware. Media refusals (403 for a tampered or expired private
// link, 404 for a folder or a missing file) become the site's own pages.
import {
  combineHandlers,
  createMediaHandler,
  createStaticFiles,
  createVariantHandler,
  mediaOptionsFromConfig,
  nodeHandler,
  RequestRefusedError,
  staticOptionsFromConfig,
  variantOptionsFromConfig,
} from "stowage/serve";

const LINK_REFUSED =
  "This link is not valid: it was changed or it has expired. Open the document's page again for a fresh link.";

/**
 * `/static/...` with hashed names and immutable caching; `/media/...`
 * (uploaded HTML, SVG and scripts as attachments under a sandbox policy),
 * `/media-private/...` with a valid signature only, and declared image
 * variants made on first request.
 * @param {import("stowage").ResolvedConfig} config
 * @param {Record<string, import("stowage/storage").Storage> & { default: import("stowage/storage").Storage }} storages
 * @param {(req: import("express").Request, res: import("express").Response, status: number, message: string) => Promise<void>} errorPage
 * @returns {import("express").RequestHandler}
 */
export function filesMiddleware(config, storages, errorPage) {
  const files = combineHandlers(
    createStaticFiles(staticOptionsFromConfig(config)),
    createVariantHandler(variantOptionsFromConfig(config, storages.default)),
    createMediaHandler(mediaOptionsFromConfig(config, storages)),
  );
  // Refusals go to the site: a refused private link gets its page, and a
  // missing file or folder the site's own 404.
  const serve = nodeHandler(files, { refusals: "next" });
  return (req, res, next) =>
    serve(req, res, (error) => {
      if (!(error instanceof RequestRefusedError)) return next(error);
      if (error.status === 403) return void errorPage(req, res, 403, LINK_REFUSED).catch(next);
      if (error.status === 404) return next();
      errorPage(req, res, error.status, error.message).catch(next);
    });
}
