// Headers for the site's own pages, and a same-origin check on form posts
// (the session cookie is SameSite=Lax; this is the second lock).

/**
 * The origins media URLs point at (a bucket or CDN once media is remote),
 * which the pages' images are allowed to come from.
 * @param {Record<string, import("stowage/storage").Storage>} storages
 */
function mediaOrigins(storages) {
  const origins = new Set();
  for (const storage of Object.values(storages)) {
    const url = storage.url("x");
    if (/^https?:\/\//.test(url)) origins.add(new URL(url).origin);
  }
  return [...origins];
}

/**
 * Sets the page headers on a response.
 * @param {Record<string, import("stowage/storage").Storage>} storages
 * @returns {(res: import("express").Response) => void}
 */
export function pageHeaders(storages) {
  const images = ["'self'", "data:", ...mediaOrigins(storages)].join(" ");
  const policy = [
    "default-src 'self'",
    `img-src ${images}`,
    // Inline style attributes carry the image placeholders.
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
  const headers = {
    "Content-Security-Policy": policy,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
  };
  return (res) => void res.set(headers);
}

/**
 * Page headers on every response from here on, and form posts from other
 * sites refused.
 * @param {(res: import("express").Response) => void} setHeaders
 * @returns {import("express").RequestHandler}
 */
export function securityHeaders(setHeaders) {
  return (req, res, next) => {
    setHeaders(res);
    if (req.method === "POST") {
      const origin = req.get("origin");
      if (origin && origin !== "null" && new URL(origin).host !== req.get("host")) {
        res.status(403).type("text").send("Cross-site form posts are refused.\n");
        return;
      }
    }
    next();
  };
}
