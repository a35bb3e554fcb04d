import { describe, expect, it } from "vitest";
import { signQuery, verifyQuery } from "../../src/storage/signing.js";

const NOW = Date.UTC(2030, 0, 1);
const secret = "s3cret";
const query = new URLSearchParams(
  signQuery(secret, "private/a.pdf", { expiresIn: 60, disposition: "inline", now: NOW }),
);

function changed(key: string, value: string | null): URLSearchParams {
  const copy = new URLSearchParams(query);
  if (value === null) copy.delete(key);
  else copy.set(key, value);
  return copy;
}

describe("signed query", () => {
  it("verifies for its name before expiry and returns the signed disposition", () => {
    expect(verifyQuery(secret, "private/a.pdf", query, NOW + 59_000)).toEqual({
      disposition: "inline",
      expires: NOW / 1000 + 60,
    });
  });

  const rejected: [string, string, URLSearchParams, number, string][] = [
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
  it.each(rejected)("rejects %s with 403", (_label, name, params, now, code) => {
    expect(() => verifyQuery(secret, name, params, now)).toThrow(
      expect.objectContaining({ code, status: 403 }),
    );
  });

  it("rejects a link signed with another secret", () => {
    expect(() => verifyQuery("other", "private/a.pdf", query, NOW)).toThrow(
      expect.objectContaining({ code: "E_SIGNATURE_INVALID" }),
    );
  });

  it("refuses a non-positive lifetime", () => {
    expect(() => signQuery(secret, "a", { expiresIn: 0, disposition: "inline" })).toThrow(
      RangeError,
    );
  });
});
