/**
 * `Accept-Encoding` negotiation (RFC 9110 §12.5.3). Pure.
 *
 * Among the variants a client accepts we send the smallest: q-values only
 * decide what is acceptable (`q=0` refuses), because for precompressed static
 * files the client's preference order matters less than the bytes on the wire.
 */

export type Encoding = "identity" | "br" | "gzip" | "zstd";

/** What a client accepts: a q-value per named coding, plus `*` and identity's fallback. */
export interface AcceptedEncodings {
  /** Explicitly named codings (lower case) -> q (0..1). */
  named: Map<string, number>;
  /** q of `*`, or `undefined` when absent. */
  wildcard: number | undefined;
}

const Q_VALUE = /^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/i;

/** Parse an `Accept-Encoding` value. Malformed elements are skipped, as the RFC's robustness advice suggests. */
export function parseAcceptEncoding(header: string): AcceptedEncodings {
  const named = new Map<string, number>();
  let wildcard: number | undefined;
  for (const element of header.split(",")) {
    const [rawName, ...params] = element.split(";");
    const name = rawName!.trim().toLowerCase();
    if (name === "") continue;
    let q = 1;
    let valid = true;
    for (const param of params) {
      const trimmed = param.replace(/\s+/g, "");
      if (trimmed === "") continue;
      if (Q_VALUE.test(trimmed)) q = Number(trimmed.slice(2));
      else valid = false;
    }
    if (!valid) continue;
    if (name === "*") wildcard = q;
    else named.set(name, q);
  }
  return { named, wildcard };
}

/** Is `encoding` acceptable under `accepted`? */
export function isAcceptable(encoding: Encoding, accepted: AcceptedEncodings): boolean {
  const q = accepted.named.get(encoding);
  if (q !== undefined) return q > 0;
  if (encoding === "identity") {
    // identity is acceptable unless refused by name or by `*;q=0` (RFC 9110 §12.5.3).
    return accepted.wildcard === undefined || accepted.wildcard > 0;
  }
  return accepted.wildcard !== undefined && accepted.wildcard > 0;
}

function firstAcceptable(accepted: AcceptedEncodings, available: readonly Encoding[]): Encoding {
  for (const encoding of available) if (isAcceptable(encoding, accepted)) return encoding;
  return "identity";
}

/**
 * Choose among `available` (sorted smallest first, identity always present).
 * Without the header only identity is sent: old proxies strip it, and a
 * compressed body to a client that never asked is the riskier mistake. When
 * even identity is refused we still send it rather than a 406: a static file
 * is better than an error page (RFC 9110 allows either).
 */
export function chooseEncoding(
  header: string | undefined,
  available: readonly Encoding[],
): Encoding {
  if (header === undefined || available.length === 1) return "identity";
  return firstAcceptable(parseAcceptEncoding(header), available);
}

/**
 * A memo of `chooseEncoding` per header value: browsers send a handful of
 * distinct values, so parsing each request's header again is wasted work.
 * Bounded so that a client sending random headers cannot grow it.
 */
export class EncodingCache {
  private readonly entries = new Map<string, AcceptedEncodings>();

  constructor(private readonly limit = 256) {}

  accepted(header: string): AcceptedEncodings {
    let found = this.entries.get(header);
    if (found === undefined) {
      found = parseAcceptEncoding(header);
      if (this.entries.size >= this.limit) this.entries.clear();
      this.entries.set(header, found);
    }
    return found;
  }

  /** Same answer as `chooseEncoding`, parsing each distinct header once. */
  choose(header: string | undefined, available: readonly Encoding[]): Encoding {
    if (header === undefined || available.length === 1) return "identity";
    return firstAcceptable(this.accepted(header), available);
  }
}
