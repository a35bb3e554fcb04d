/** The one table of request -> expected response that every adapter must satisfy. */
import { BIG_SIZE, type Fixture, HASHED_CSS, LARGE, THUMB, THUMB_SUFFIX } from "./fixture.js";

export const IMMUTABLE = "public, max-age=315360000, immutable";
export const SHORT = "public, max-age=60";
export const PRIVATE = "private, no-store";
export const SANDBOX = "default-src 'none'; sandbox";
const CSS_TYPE = "text/css; charset=utf-8";
const FUTURE = "Wed, 01 Jan 2098 00:00:00 GMT";
const PAST = "Mon, 01 Jan 1990 00:00:00 GMT";
const MTIME = Math.floor(Date.parse("2024-05-01T12:00:00Z") / 1000);

/** nginx-style strong tag of a file with the fixture's fixed mtime. */
export function tagOf(size: number): string {
  return `"${MTIME.toString(16)}-${size.toString(16)}"`;
}

export interface Case {
  name: string;
  method?: string;
  target: string;
  headers?: Record<string, string>;
  status: number;
  /** Expected header values; `null` means the header must be absent. */
  expect?: Record<string, string | null>;
  /** Expected body; omitted: not checked. */
  body?: Buffer | string;
}

export function cases(f: Fixture): Case[] {
  const css = `/static/${HASHED_CSS}`;
  const brTag = tagOf(f.cssBr.length);
  const common = {
    "access-control-allow-origin": "*",
    "x-content-type-options": "nosniff",
    "accept-ranges": "bytes",
  };
  return [
    {
      name: "serves the brotli variant of a hashed file with immutable caching",
      target: css,
      headers: { "Accept-Encoding": "br, gzip" },
      status: 200,
      expect: {
        ...common,
        "content-encoding": "br",
        "cache-control": IMMUTABLE,
        vary: "Accept-Encoding",
        "content-type": CSS_TYPE,
        "content-length": String(f.cssBr.length),
        etag: brTag,
        "last-modified": "Wed, 01 May 2024 12:00:00 GMT",
      },
      body: f.cssBr,
    },
    {
      name: "serves gzip when only gzip is accepted",
      target: css,
      headers: { "Accept-Encoding": "gzip" },
      status: 200,
      expect: { "content-encoding": "gzip", etag: tagOf(f.cssGz.length) },
      body: f.cssGz,
    },
    {
      name: "serves identity without Accept-Encoding but still varies",
      target: css,
      status: 200,
      expect: { "content-encoding": null, vary: "Accept-Encoding", etag: tagOf(f.css.length) },
      body: f.css,
    },
    {
      name: "honours br;q=0 as a refusal",
      target: css,
      headers: { "Accept-Encoding": "br;q=0, gzip" },
      status: 200,
      expect: { "content-encoding": "gzip" },
    },
    {
      name: "treats * as accepting the smallest variant",
      target: css,
      headers: { "Accept-Encoding": "*" },
      status: 200,
      expect: { "content-encoding": "br" },
    },
    {
      name: "picks the smallest acceptable variant whatever the q order",
      target: css,
      headers: { "Accept-Encoding": "gzip;q=1, br;q=0.1" },
      status: 200,
      expect: { "content-encoding": "br" },
    },
    {
      name: "sends gzip when identity;q=0 and gzip is accepted",
      target: css,
      headers: { "Accept-Encoding": "gzip, identity;q=0" },
      status: 200,
      expect: { "content-encoding": "gzip" },
    },
    {
      name: "falls back to identity when everything is refused",
      target: css,
      headers: { "Accept-Encoding": "*;q=0" },
      status: 200,
      expect: { "content-encoding": null },
      body: f.css,
    },
    {
      name: "ignores unknown codings",
      target: css,
      headers: { "Accept-Encoding": "compress, x-foo" },
      status: 200,
      expect: { "content-encoding": null },
    },
    {
      name: "serves an unhashed file with short caching and no Vary",
      target: "/static/css/app.css",
      headers: { "Accept-Encoding": "br" },
      status: 200,
      expect: { ...common, "cache-control": SHORT, vary: null, "content-encoding": null },
      body: f.css,
    },
    {
      name: "adds charset to JavaScript",
      target: "/static/js/app.js",
      status: 200,
      expect: {
        "content-type": "text/javascript; charset=utf-8",
        "content-length": String(f.js.length),
      },
      body: f.js,
    },
    {
      name: "ignores the query string",
      target: "/static/js/app.js?v=3#x",
      status: 200,
      body: f.js,
    },
    {
      name: "answers HEAD with the GET headers and no body",
      method: "HEAD",
      target: css,
      headers: { "Accept-Encoding": "br" },
      status: 200,
      expect: { "content-length": String(f.cssBr.length), "content-encoding": "br" },
      body: "",
    },
    {
      name: "ignores Range on HEAD",
      method: "HEAD",
      target: "/static/big.bin",
      headers: { Range: "bytes=0-0" },
      status: 200,
      expect: { "content-length": String(BIG_SIZE) },
      body: "",
    },
    {
      name: "answers 304 to a matching If-None-Match",
      target: css,
      headers: { "Accept-Encoding": "br", "If-None-Match": brTag },
      status: 304,
      expect: { etag: brTag, "cache-control": IMMUTABLE, vary: "Accept-Encoding" },
      body: "",
    },
    {
      name: "compares If-None-Match weakly",
      target: css,
      headers: { "Accept-Encoding": "br", "If-None-Match": `"nope", W/${brTag}` },
      status: 304,
    },
    {
      name: "does not match the tag of another encoding",
      target: css,
      headers: { "Accept-Encoding": "gzip", "If-None-Match": brTag },
      status: 200,
      expect: { "content-encoding": "gzip" },
    },
    {
      name: "answers 304 to If-None-Match: *",
      target: "/static/js/app.js",
      headers: { "If-None-Match": "*" },
      status: 304,
    },
    {
      name: "ignores a malformed If-None-Match",
      target: "/static/js/app.js",
      headers: { "If-None-Match": `${tagOf(f.js.length).slice(1)}` },
      status: 200,
    },
    {
      name: "answers 304 when If-Modified-Since is not older",
      target: "/static/js/app.js",
      headers: { "If-Modified-Since": FUTURE },
      status: 304,
      body: "",
    },
    {
      name: "answers 200 when modified since",
      target: "/static/js/app.js",
      headers: { "If-Modified-Since": PAST },
      status: 200,
    },
    {
      name: "ignores an unparseable If-Modified-Since",
      target: "/static/js/app.js",
      headers: { "If-Modified-Since": "yesterday" },
      status: 200,
    },
    {
      name: "lets If-None-Match win over If-Modified-Since",
      target: "/static/js/app.js",
      headers: { "If-None-Match": '"other"', "If-Modified-Since": FUTURE },
      status: 200,
    },
    {
      name: "serves bytes=0-0 as one byte",
      target: "/static/big.bin",
      headers: { Range: "bytes=0-0" },
      status: 206,
      expect: { "content-range": `bytes 0-0/${BIG_SIZE}`, "content-length": "1" },
      body: f.big.subarray(0, 1),
    },
    {
      name: "serves a suffix range",
      target: "/static/big.bin",
      headers: { Range: "bytes=-5" },
      status: 206,
      expect: { "content-range": `bytes ${BIG_SIZE - 5}-${BIG_SIZE - 1}/${BIG_SIZE}` },
      body: f.big.subarray(BIG_SIZE - 5),
    },
    {
      name: "serves an open range to the end",
      target: "/static/big.bin",
      headers: { Range: "bytes=9990-" },
      status: 206,
      body: f.big.subarray(9990),
    },
    {
      name: "clamps a range past the end",
      target: "/static/big.bin",
      headers: { Range: "bytes=100-999999" },
      status: 206,
      expect: { "content-range": `bytes 100-${BIG_SIZE - 1}/${BIG_SIZE}` },
      body: f.big.subarray(100),
    },
    {
      name: "serves a range of a file held in memory",
      target: "/static/js/app.js",
      headers: { Range: "bytes=7-11" },
      status: 206,
      body: f.js.subarray(7, 12),
    },
    {
      name: "answers 416 to a range past the end",
      target: "/static/big.bin",
      headers: { Range: `bytes=${BIG_SIZE}-` },
      status: 416,
      expect: { "content-range": `bytes */${BIG_SIZE}` },
    },
    {
      name: "answers 416 to a zero-length suffix",
      target: "/static/big.bin",
      headers: { Range: "bytes=-0" },
      status: 416,
    },
    {
      name: "serves the whole file for multiple ranges",
      target: "/static/big.bin",
      headers: { Range: "bytes=0-1,5-6" },
      status: 200,
      body: f.big,
    },
    {
      name: "serves the whole file for overlapping ranges",
      target: "/static/big.bin",
      headers: { Range: "bytes=0-5000,10-9000" },
      status: 200,
    },
    {
      name: "ignores a malformed range",
      target: "/static/big.bin",
      headers: { Range: "bytes=abc" },
      status: 200,
      expect: { "content-range": null },
    },
    {
      name: "ignores a range with another unit",
      target: "/static/big.bin",
      headers: { Range: "items=0-1" },
      status: 200,
    },
    {
      name: "ignores a backwards range",
      target: "/static/big.bin",
      headers: { Range: "bytes=5-1" },
      status: 200,
    },
    {
      name: "applies the range when If-Range matches",
      target: "/static/big.bin",
      headers: { Range: "bytes=0-9", "If-Range": tagOf(BIG_SIZE) },
      status: 206,
    },
    {
      name: "sends the whole file when If-Range is weak",
      target: "/static/big.bin",
      headers: { Range: "bytes=0-9", "If-Range": `W/${tagOf(BIG_SIZE)}` },
      status: 200,
    },
    {
      name: "sends the whole file when If-Range does not match",
      target: "/static/big.bin",
      headers: { Range: "bytes=0-9", "If-Range": '"old"' },
      status: 200,
    },
    {
      name: "ranges over the chosen encoding",
      target: css,
      headers: { "Accept-Encoding": "gzip", Range: "bytes=0-1" },
      status: 206,
      expect: {
        "content-encoding": "gzip",
        "content-range": `bytes 0-1/${f.cssGz.length}`,
        vary: "Accept-Encoding",
      },
      body: f.cssGz.subarray(0, 2),
    },
    {
      name: "refuses POST on a static file with 405 and Allow",
      method: "POST",
      target: css,
      status: 405,
      expect: { allow: "GET, HEAD" },
    },
    {
      name: "refuses DELETE on a static file with 405",
      method: "DELETE",
      target: "/static/js/app.js",
      status: 405,
      expect: { allow: "GET, HEAD" },
    },
    {
      name: "serves an empty file",
      target: "/static/empty.txt",
      status: 200,
      expect: { "content-length": "0" },
      body: "",
    },
    {
      name: "decodes percent-encoded names",
      target: "/static/sp%20ace.txt",
      status: 200,
      body: "space\n",
    },
    { name: "decodes UTF-8 names", target: "/static/%C3%A9.txt", status: 200, body: "accent\n" },
    {
      name: "serves a lone .gz as an ordinary file",
      target: "/static/data.tar.gz",
      status: 200,
      expect: { "content-encoding": null, "content-type": "application/gzip" },
    },
    {
      name: "serves a collect --link symlink into a source folder",
      target: "/static/linked.css",
      status: 200,
      body: "body { margin: 0; }\n",
    },
    {
      name: "never serves a precompressed sibling by its own URL",
      target: `${css}.br`,
      status: 404,
    },
    { name: "never serves the manifest", target: "/static/staticfiles.json", status: 404 },
    { name: "never serves dotfiles", target: "/static/.env", status: 404 },
    { name: "never follows a symlink out of the root", target: "/static/escape.txt", status: 404 },
    {
      name: "never follows a symlinked folder out of the root",
      target: "/static/escape-dir/secret.txt",
      status: 404,
    },
    { name: "answers 404 for an unknown static path", target: "/static/nope.css", status: 404 },
    { name: "answers 404 for a path outside the prefix", target: "/elsewhere.css", status: 404 },
    ...mediaCases(f),
  ];
}

/** Media (public and signed) and image variants, through the same adapters. */
function mediaCases(f: Fixture): Case[] {
  const media = {
    "x-content-type-options": "nosniff",
    "accept-ranges": "bytes",
    "access-control-allow-origin": null,
  };
  const tampered = new URL(f.signedDoc, "http://x");
  tampered.searchParams.set("expires", String(Number(tampered.searchParams.get("expires")) + 1));
  return [
    {
      name: "serves public media with type, length, validators, nosniff and no CORS",
      target: "/media/photo.png",
      status: 200,
      expect: {
        ...media,
        "content-type": "image/png",
        "content-length": "10",
        "cache-control": SHORT,
        etag: f.photoEtag,
        "content-disposition": null,
        "content-security-policy": null,
      },
      body: "0123456789",
    },
    {
      name: "sends uploaded HTML as a download in a sandbox",
      target: "/media/page.html",
      status: 200,
      expect: {
        ...media,
        "content-type": "text/html",
        "content-disposition": "attachment",
        "content-security-policy": SANDBOX,
      },
    },
    {
      name: "sends uploaded SVG as a download in a sandbox",
      target: "/media/logo.svg",
      status: 200,
      expect: { "content-disposition": "attachment", "content-security-policy": SANDBOX },
    },
    {
      name: "claims no charset for uploaded text",
      target: "/media/notes.txt",
      status: 200,
      expect: { "content-type": "text/plain", "content-disposition": null },
      body: "plain words\n",
    },
    {
      name: "answers a media range with 206",
      target: "/media/photo.png",
      headers: { Range: "bytes=2-4" },
      status: 206,
      expect: { "content-range": "bytes 2-4/10", "content-length": "3" },
      body: "234",
    },
    {
      name: "answers a media suffix range",
      target: "/media/photo.png",
      headers: { Range: "bytes=-3" },
      status: 206,
      body: "789",
    },
    {
      name: "answers 416 to a media range past the end",
      target: "/media/photo.png",
      headers: { Range: "bytes=10-" },
      status: 416,
      expect: { "content-range": "bytes */10" },
    },
    {
      name: "streams a range of a large media file",
      target: "/media/big.bin",
      headers: { Range: "bytes=9990-" },
      status: 206,
      body: f.big.subarray(9990),
    },
    {
      name: "streams a large media file whole",
      target: "/media/big.bin",
      status: 200,
      expect: { "content-length": String(BIG_SIZE) },
      body: f.big,
    },
    {
      name: "answers 304 to a matching media If-None-Match",
      target: "/media/photo.png",
      headers: { "If-None-Match": f.photoEtag },
      status: 304,
      expect: { etag: f.photoEtag },
      body: "",
    },
    {
      name: "answers HEAD on media with the GET headers and no body",
      method: "HEAD",
      target: "/media/photo.png",
      status: 200,
      expect: { "content-length": "10" },
      body: "",
    },
    {
      name: "refuses DELETE on media with 405 and Allow",
      method: "DELETE",
      target: "/media/photo.png",
      status: 405,
      expect: { allow: "GET, HEAD" },
    },
    { name: "never serves a media dotfile", target: "/media/.hidden", status: 404 },
    { name: "passes a missing media file on", target: "/media/missing.png", status: 404 },
    {
      name: "serves private media with a valid signature, its disposition and no caching",
      target: f.signedDoc,
      status: 200,
      expect: { "content-disposition": "attachment", "cache-control": PRIVATE },
      body: "private words",
    },
    {
      name: "refuses an unsigned private link with 403",
      target: "/media-private/doc.txt",
      status: 403,
    },
    {
      name: "refuses a private link with a changed expiry with 403",
      target: `${tampered.pathname}${tampered.search}`,
      status: 403,
    },
    {
      name: "refuses a signed link used for another file with 403",
      target: f.signedDoc.replace("doc.txt", "other.txt"),
      status: 403,
    },
    {
      name: "serves a variant made at upload time as immutable",
      target: `/media/${THUMB}`,
      status: 200,
      expect: { ...media, "content-type": "image/webp", "cache-control": IMMUTABLE },
    },
    {
      name: "serves a variant made on first request as immutable",
      target: `/media/${LARGE}`,
      status: 200,
      expect: { ...media, "content-type": "image/jpeg", "cache-control": IMMUTABLE },
    },
    {
      name: "passes on a variant with a stale spec hash",
      target: "/media/photos/cat.jpg.thumb-00000000.webp",
      status: 404,
    },
    {
      name: "passes on a variant of a variant",
      target: `/media/${THUMB}${THUMB_SUFFIX}`,
      status: 404,
    },
    {
      name: "answers 404 to a variant of a dotfile",
      target: `/media/.secret.jpg${THUMB_SUFFIX}`,
      status: 404,
    },
    {
      name: "answers 404 to a variant behind an encoded slash",
      target: `/media/photos%2Fcat.jpg${THUMB_SUFFIX}`,
      status: 404,
    },
    {
      name: "answers 404 to a variant with a control character",
      target: `/media/photos/c%01at.jpg${THUMB_SUFFIX}`,
      status: 404,
    },
  ];
}
