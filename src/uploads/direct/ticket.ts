import { createHmac, timingSafeEqual } from "node:crypto";
import { TicketError } from "./errors.js";

/**
 * The signed record of one prepared upload, carried by the browser from
 * `prepare` to the upload and back to `confirm`. Everything confirm trusts
 * comes from here (never from the request that carries it): the field whose
 * rules apply, the pending key, the client's name and the declared size.
 */
export interface Ticket {
  /** Field whose rules apply. */
  field: string;
  /** Storage name (key of `storages`). */
  storage: string;
  /** Where the bytes land, under the pending prefix. */
  key: string;
  /** The client's file name, sanitised. */
  filename: string;
  /** Declared size in bytes. */
  size: number;
  /** Content type the object is stored with. */
  type: string;
  /** Hex SHA-256 the client declared, checked at confirm. */
  sha256?: string;
  /** Who may confirm it (the app's user id), when the app says. */
  owner?: string;
  /** How the bytes travel. */
  method: "direct" | "tus";
  /** Unix seconds after which the upload may no longer start. */
  expires: number;
}

// Versioned so a future change of the signed message cannot be confused with this one.
const CONTEXT = "stowage-direct-v1";
const KEYS = [
  "field",
  "storage",
  "key",
  "filename",
  "size",
  "type",
  "sha256",
  "owner",
  "method",
  "expires",
];

function mac(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(`${CONTEXT}\n${payload}`).digest("base64url");
}

/** `payload.signature`, both base64url: safe in a URL path, a header and tus metadata. */
export function signTicket(secret: string, ticket: Ticket): string {
  const payload = Buffer.from(JSON.stringify(ticket)).toString("base64url");
  return `${payload}.${mac(secret, payload)}`;
}

/**
 * The ticket's contents when its signature holds; `E_TICKET_INVALID` when
 * it was changed or made with another secret. Expiry is the caller's check:
 * starting an upload and confirming one have different deadlines.
 */
export function verifyTicket(secret: string, token: unknown): Ticket {
  if (typeof token !== "string" || token.length > 8192) throw new TicketError("invalid");
  const dot = token.indexOf(".");
  if (dot <= 0) throw new TicketError("invalid");
  const payload = token.slice(0, dot);
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(token.slice(dot + 1));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TicketError("invalid");
  }
  let ticket: Ticket;
  try {
    ticket = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch (error) {
    throw new TicketError("invalid", { cause: error });
  }
  if (
    typeof ticket !== "object" ||
    ticket === null ||
    Object.keys(ticket).some((key) => !KEYS.includes(key))
  ) {
    throw new TicketError("invalid");
  }
  return ticket;
}

/** Refuses a ticket past `deadline` (Unix seconds). */
export function assertNotExpired(deadline: number, now: number = Date.now()): void {
  if (deadline * 1000 <= now) throw new TicketError("expired");
}
