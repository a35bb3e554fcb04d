import { describe, expect, it } from "vitest";
import { MAX_EXPIRES_IN, signQuery, verifyQuery } from "../../src/storage/signing.js";

const NOW = Date.UTC(2030, 0, 1);
const secret = "s3cret";
const scope = "/media-private/";
const query = new URLSearchParams(
  signQuery(secret, scope, "private/a.pdf", { expiresIn: 60, disposition: "inline", now: NOW }),
);

function changed(key: string, value: string | null): URLSearchParams {
  const copy = new URLSearchParams(query);
  if (value === null) copy.delete(key);
  else copy.set(key, value);
  return copy;
}

describe("signed query", () => {
  it("verifies for its name before expiry and returns the signed disposition", () => {
    expect(verifyQuery(secret, scope, "private/a.pdf", query, NOW + 59_000)).toEqual({
      disposition: "inline",
      expires: NOW / 1000 + 60,
    });
  });

  const rejected: [string, string, URLSearchParams, number, string][] = [
    ["the same name under another mount", "private/a.pdf", query, NOW, "E_SIGNATURE_INVALID"],
    ["another name", "private/b.pdf", query, NOW, "E_SIGNATURE_INVALID"],
    [
      "a later expiry",
      "private/a.pdf",
      changed("expires", String(NOW / 1000 + 999)),
      NOW,
      "E_SIGNATURE_INVALID",
    ],
    [
      "another disposition",
      "private/a.pdf",
      changed("disposition", "attachment"),
      NOW,
      "E_SIGNATURE_INVALID",
    ],
    [
      "a changed signature",
      "private/a.pdf",
      changed("signature", `x${query.get("signature")!.slice(1)}`),
      NOW,
      "E_SIGNATURE_INVALID",
    ],
    ["no signature", "private/a.pdf", changed("signature", null), NOW, "E_SIGNATURE_INVALID"],
    [
      "a non-numeric expiry",
      "private/a.pdf",
      changed("expires", "1e12"),
      NOW,
      "E_SIGNATURE_INVALID",
    ],
    ["expiry reached", "private/a.pdf", query, NOW + 60_000, "E_SIGNATURE_EXPIRED"],
  ];
  it.each(rejected)("rejects %s with 403", (label, name, params, now, code) => {
    const where = label.includes("another mount") ? "/media-hr/" : scope;
    expect(() => verifyQuery(secret, where, name, params, now)).toThrow(
      expect.objectContaining({ code, status: 403 }),
    );
  });

  it("rejects a link signed with another secret", () => {
    expect(() => verifyQuery("other", scope, "private/a.pdf", query, NOW)).toThrow(
      expect.objectContaining({ code: "E_SIGNATURE_INVALID" }),
    );
  });

  const badLifetimes: unknown[] = [0, -5, 0.2, 1.5, 1e15, MAX_EXPIRES_IN + 1, Number.NaN, "60"];
  it.each(badLifetimes)(
    "refuses the lifetime %s at signing time with E_INVALID_ARGUMENT",
    (expiresIn) => {
      expect(() =>
        signQuery(secret, scope, "a", { expiresIn: expiresIn as number, disposition: "inline" }),
      ).toThrow(expect.objectContaining({ code: "E_INVALID_ARGUMENT", status: 400 }));
    },
  );

  it("accepts the longest lifetime, 7 days", () => {
    const signed = new URLSearchParams(
      signQuery(secret, scope, "a", { expiresIn: MAX_EXPIRES_IN, disposition: "inline", now: NOW }),
    );
    expect(verifyQuery(secret, scope, "a", signed, NOW).expires).toBe(NOW / 1000 + MAX_EXPIRES_IN);
  });

  it("refuses a disposition with CR or LF, and a scope that is not a path prefix", () => {
    expect(() =>
      signQuery(secret, scope, "a", { expiresIn: 60, disposition: "inline\r\nSet-Cookie: x=1" }),
    ).toThrow(expect.objectContaining({ code: "E_INVALID_ARGUMENT" }));
    expect(() => signQuery(secret, "media", "a", { expiresIn: 60, disposition: "inline" })).toThrow(
      expect.objectContaining({ code: "E_INVALID_ARGUMENT" }),
    );
  });
});
