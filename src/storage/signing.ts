import { createHmac, timingSafeEqual } from "node:crypto";
import { SignatureExpiredError, SignatureInvalidError } from "./errors.js";

/**
 * HMAC-SHA256 links for storages that have no native signing (fs, memory).
 * The signature covers the name, the expiry and the disposition, so changing
 * any of them (or the signature) makes the link worthless. Pure: the clock is
 * a parameter.
 */

// Versioned so a future change of the signed message cannot be confused with this one.
const CONTEXT = "stowage-media-v1";

/** Base64url HMAC over the name, expiry (Unix seconds) and disposition. */
export function signature(
  secret: string,
  name: string,
  expires: number,
  disposition: string,
): string {
  return createHmac("sha256", secret)
    .update(`${CONTEXT}\n${name}\n${expires}\n${disposition}`)
    .digest("base64url");
}

/**
 * The query string (without `?`) that grants access to `name` until
 * `now + expiresIn` seconds.
 */
export function signQuery(
  secret: string,
  name: string,
  options: { expiresIn: number; disposition: string; now?: number },
): string {
  if (!(Number.isFinite(options.expiresIn) && options.expiresIn > 0)) {
    throw new RangeError(
      `expiresIn must be a positive number of seconds, got ${options.expiresIn}`,
    );
  }
  const expires = Math.floor((options.now ?? Date.now()) / 1000 + options.expiresIn);
  const params = new URLSearchParams({
    expires: String(expires),
    disposition: options.disposition,
    signature: signature(secret, name, expires, options.disposition),
  });
  return params.toString();
}

/**
 * Check a link's query for `name`. Returns the signed disposition; throws
 * `SignatureInvalidError` (missing or changed parts) or
 * `SignatureExpiredError` (past its expiry), both status 403.
 */
export function verifyQuery(
  secret: string,
  name: string,
  query: URLSearchParams,
  now: number = Date.now(),
): { disposition: string; expires: number } {
  const expiresText = query.get("expires");
  const disposition = query.get("disposition");
  const given = query.get("signature");
  if (expiresText === null || disposition === null || given === null) {
    throw new SignatureInvalidError("it lacks expires, disposition or signature");
  }
  if (!/^\d{1,15}$/.test(expiresText))
    throw new SignatureInvalidError("its expiry is not a number");
  const expires = Number(expiresText);
  const expected = Buffer.from(signature(secret, name, expires, disposition));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new SignatureInvalidError("it does not match the file, expiry and disposition");
  }
  // Checked after the signature so an attacker learns nothing from the order of failures.
  if (expires * 1000 <= now) throw new SignatureExpiredError(new Date(expires * 1000));
  return { disposition, expires };
}
