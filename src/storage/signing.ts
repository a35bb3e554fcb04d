import { createHmac, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../errors.js";
import { encodeName } from "./driver.js";
import { InvalidArgumentError, SignatureExpiredError, SignatureInvalidError } from "./errors.js";
import type { SignedUrlOptions } from "./types.js";

/**
 * HMAC-SHA256 links for storages that have no native signing (fs, memory).
 * The signature covers the scope (the URL path prefix the storage is served
 * under, e.g. `/media-private/`), the name, the expiry and the disposition,
 * so changing any of them (or the signature) makes the link worthless, and a
 * link for one mount never opens the same name under another. Pure: the
 * clock is a parameter.
 */

// Versioned so a change of the signed message cannot be confused with an older one.
const CONTEXT = "stowage-media-v2";

/** Lifetime of a link when the caller gives none: one hour. */
export const DEFAULT_EXPIRES_IN = 3600;
/** Longest lifetime of a link, in seconds: 7 days, the limit of S3's presigned URLs. */
export const MAX_EXPIRES_IN = 7 * 24 * 3600;

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * `expiresIn` checked at signing time: a whole number of seconds from 1 to
 * 7 days. A fraction is refused rather than rounded (0.2 s would be born
 * expired), and a huge value could never be verified.
 */
export function checkExpiresIn(expiresIn: unknown = DEFAULT_EXPIRES_IN): number {
  if (
    typeof expiresIn !== "number" ||
    !Number.isInteger(expiresIn) ||
    expiresIn < 1 ||
    expiresIn > MAX_EXPIRES_IN
  ) {
    throw new InvalidArgumentError(
      "expiresIn",
      `expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (7 days); got ${String(expiresIn)}.`,
    );
  }
  return expiresIn;
}

/** A `disposition` option checked at signing time: its type, and a file name without control characters. */
export function checkDisposition(
  disposition: unknown,
): SignedUrlOptions["disposition"] | undefined {
  if (disposition === undefined || disposition === "inline" || disposition === "attachment") {
    return disposition;
  }
  const given = disposition as { type?: unknown; filename?: unknown } | null;
  if (
    typeof given === "object" &&
    given !== null &&
    (given.type === "inline" || given.type === "attachment") &&
    typeof given.filename === "string" &&
    given.filename !== "" &&
    !CONTROL.test(given.filename) &&
    Object.keys(given).every((key) => key === "type" || key === "filename")
  ) {
    return { type: given.type, filename: given.filename };
  }
  throw new InvalidArgumentError(
    "disposition",
    `disposition must be "inline", "attachment" or { type, filename } with a file name free of control characters (CR, LF, ...); got ${JSON.stringify(disposition)}.`,
  );
}

/** `Content-Disposition` value for a checked `disposition` option. */
export function dispositionHeader(disposition: SignedUrlOptions["disposition"]): string {
  if (disposition === undefined || typeof disposition === "string") return disposition ?? "inline";
  const ascii = disposition.filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(disposition.filename);
  return `${disposition.type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function checkScope(scope: string): void {
  if (typeof scope !== "string" || !scope.startsWith("/") || !scope.endsWith("/")) {
    throw new InvalidArgumentError(
      "scope",
      `A signing scope is the URL path prefix a storage is served under, starting and ending with "/"; got ${JSON.stringify(scope)}.`,
    );
  }
}

/** Base64url HMAC over the scope, name, expiry (Unix seconds) and disposition. */
export function signature(
  secret: string,
  scope: string,
  name: string,
  expires: number,
  disposition: string,
): string {
  return createHmac("sha256", secret)
    .update(`${CONTEXT}\n${scope}\n${name}\n${expires}\n${disposition}`)
    .digest("base64url");
}

/**
 * The query string (without `?`) that grants access to `name` under the
 * URL prefix `scope` until `now + expiresIn` seconds.
 */
export function signQuery(
  secret: string,
  scope: string,
  name: string,
  options: { expiresIn: number; disposition: string; now?: number },
): string {
  checkScope(scope);
  const expiresIn = checkExpiresIn(options.expiresIn);
  if (typeof options.disposition !== "string" || CONTROL.test(options.disposition)) {
    throw new InvalidArgumentError(
      "disposition",
      `A signed disposition must be a header value without control characters; got ${JSON.stringify(options.disposition)}.`,
    );
  }
  const expires = Math.floor((options.now ?? Date.now()) / 1000) + expiresIn;
  const params = new URLSearchParams({
    expires: String(expires),
    disposition: options.disposition,
    signature: signature(secret, scope, name, expires, options.disposition),
  });
  return params.toString();
}

/**
 * Check a link's query for `name` under the URL prefix `scope`. Returns the
 * signed disposition; throws `SignatureInvalidError` (missing or changed
 * parts, another scope) or `SignatureExpiredError` (past its expiry), both
 * status 403.
 */
export function verifyQuery(
  secret: string,
  scope: string,
  name: string,
  query: URLSearchParams,
  now: number = Date.now(),
): { disposition: string; expires: number } {
  checkScope(scope);
  const expiresText = query.get("expires");
  const disposition = query.get("disposition");
  const given = query.get("signature");
  if (expiresText === null || disposition === null || given === null) {
    throw new SignatureInvalidError("it lacks expires, disposition or signature");
  }
  if (!/^\d{1,15}$/.test(expiresText))
    throw new SignatureInvalidError("its expiry is not a number");
  const expires = Number(expiresText);
  const expected = Buffer.from(signature(secret, scope, name, expires, disposition));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new SignatureInvalidError("it does not match the storage, file, expiry and disposition");
  }
  // Checked after the signature so an attacker learns nothing from the order of failures.
  if (expires * 1000 <= now) throw new SignatureExpiredError(new Date(expires * 1000));
  return { disposition, expires };
}

/** The path part of a storage's `baseUrl` (`https://cdn.example/media/` -> `/media/`): its signing scope. */
function scopeOf(baseUrl: string): string {
  return new URL(baseUrl, "http://stowage.invalid").pathname;
}

/**
 * `signedUrl` for the drivers that sign with an HMAC (fs, memory): the
 * link sits under `baseUrl` and is scoped to its path.
 */
export function hmacSignedUrl(
  kind: string,
  secret: string | undefined,
  baseUrl: string,
  key: string,
  options: { expiresIn: number; disposition?: SignedUrlOptions["disposition"] },
): string {
  if (!secret) {
    throw new ConfigError(
      `Signed URLs on the ${kind} storage need a secret: pass createStorage(spec, { secret }) or put "secret" in the spec. (createStoragesFromConfig passes the config's secret, which defaults to env STOWAGE_SECRET.)`,
      { key: "secret" },
    );
  }
  const query = signQuery(secret, scopeOf(baseUrl), key, {
    expiresIn: options.expiresIn,
    disposition: dispositionHeader(options.disposition),
  });
  return `${baseUrl}${encodeName(key)}?${query}`;
}
