// Passwords, the session cookie and one-shot flash messages. A session is a
// signed cookie (user id + expiry, HMAC-SHA256 with a key derived from the
// config secret): nothing is stored server-side, so any number of app
// processes sharing the secret accept it.
import { createHmac, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scryptAsync =
  /** @type {(password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>} */ (
    promisify(scrypt)
  );

/** scrypt cost: 2^14 iterations, about 50 ms and 16 MB per hash. */
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/** `scrypt$N$r$p$salt$hash`, so the cost can change without breaking stored hashes. @param {string} password */
export async function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEY_LENGTH, SCRYPT);
  return [
    "scrypt",
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString("base64"),
    hash.toString("base64"),
  ].join("$");
}

/** @param {string} password @param {string} stored */
export async function verifyPassword(password, stored) {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await scryptAsync(password, Buffer.from(salt, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/** Two weeks, in seconds. */
const SESSION_SECONDS = 14 * 24 * 3600;
export const SESSION_COOKIE = "gallery_session";
const FLASH_COOKIE = "gallery_flash";

/** @param {string | undefined} header @returns {Record<string, string>} */
export function parseCookies(header) {
  /** @type {Record<string, string>} */
  const cookies = Object.create(null);
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A cookie that is not valid percent-encoding is not ours.
    }
  }
  return cookies;
}

/**
 * Signs and checks small JSON values for cookies. Each purpose gets its own
 * key, so a flash cookie can never pass as a session.
 * @param {string} secret @param {string} purpose
 */
function signer(secret, purpose) {
  const key = createHmac("sha256", secret).update(`gallery:${purpose}`).digest();
  const mac = (/** @type {string} */ payload) =>
    createHmac("sha256", key).update(payload).digest("base64url");
  return {
    /** @param {unknown} value */
    sign(value) {
      const payload = Buffer.from(JSON.stringify(value)).toString("base64url");
      return `${payload}.${mac(payload)}`;
    },
    /** @param {string | undefined} token @returns {any} */
    open(token) {
      if (!token) return undefined;
      const dot = token.lastIndexOf(".");
      if (dot === -1) return undefined;
      const payload = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1));
      const expected = Buffer.from(mac(payload));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      } catch {
        return undefined;
      }
    },
  };
}

/** @param {import("express").Request} req */
function cookieOptions(req) {
  return { httpOnly: true, sameSite: /** @type {const} */ ("lax"), path: "/", secure: req.secure };
}

/** @param {string} secret */
export function createSessions(secret) {
  const session = signer(secret, "session");
  const flash = signer(secret, "flash");
  return {
    /** The signed-in user id, or undefined. @param {import("express").Request} req */
    userId(req) {
      const value = session.open(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
      if (!value || typeof value.uid !== "number" || !(value.exp > Date.now())) return undefined;
      return value.uid;
    },
    /** @param {import("express").Request} req @param {import("express").Response} res @param {number} uid */
    signIn(req, res, uid) {
      const token = session.sign({ uid, exp: Date.now() + SESSION_SECONDS * 1000 });
      res.cookie(SESSION_COOKIE, token, { ...cookieOptions(req), maxAge: SESSION_SECONDS * 1000 });
    },
    /** @param {import("express").Request} req @param {import("express").Response} res */
    signOut(req, res) {
      res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    },
    /**
     * A message for the next page (after a redirect).
     * @param {import("express").Request} req @param {import("express").Response} res
     * @param {"success" | "error"} kind @param {string} text
     */
    flash(req, res, kind, text) {
      res.cookie(FLASH_COOKIE, flash.sign({ kind, text }), cookieOptions(req));
    },
    /** Reads and clears the pending message. @param {import("express").Request} req @param {import("express").Response} res */
    takeFlash(req, res) {
      const token = parseCookies(req.headers.cookie)[FLASH_COOKIE];
      if (token === undefined) return undefined;
      res.clearCookie(FLASH_COOKIE, cookieOptions(req));
      const value = flash.open(token);
      return value && typeof value.text === "string" ? value : undefined;
    },
  };
}
