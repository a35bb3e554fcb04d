import { describe, expect, test } from "vitest";
import { PathTraversalError } from "../../src/errors.js";
import { UnsafeFilenameError } from "../../src/uploads/errors.js";
import {
  sanitizeFilename,
  storageSafeName,
  UploadNameError,
  unsafeFilenameReason,
  uploadName,
} from "../../src/uploads/naming.js";
import { resolveUploadOptions } from "../../src/uploads/options.js";
import { PLAIN_NAMES, TRAVERSAL_NAMES } from "./traversal-names.js";

describe("sanitizeFilename", () => {
  test.each(TRAVERSAL_NAMES)("%j becomes %j", (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });

  test("an empty name becomes unnamed", () => {
    expect(sanitizeFilename("")).toBe("unnamed");
  });
});

describe("unsafeFilenameReason", () => {
  test.each(TRAVERSAL_NAMES)("refuses %j", (raw) => {
    expect(unsafeFilenameReason(raw)).toBeDefined();
  });

  test.each([
    ["../../x", "folders"],
    ["..&#x2F;x", "folders"],
    ["C:x.txt", "folders"],
    ["..", "folders"],
    ["a\u0000b.txt", "control characters"],
    ["a&#1;b.txt", "control characters"],
  ])("says why %j is refused: %s", (raw, reason) => {
    expect(unsafeFilenameReason(raw)).toBe(reason);
  });

  test.each(PLAIN_NAMES)("accepts the plain name %j", (raw) => {
    expect(unsafeFilenameReason(raw)).toBeUndefined();
  });

  test("cuts an 8 KB name to 255 bytes and keeps the extension", () => {
    const name = sanitizeFilename(`${"é".repeat(4096)}.jpeg`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith("é.jpeg")).toBe(true);
  });

  test("storageSafeName keeps letters and digits of any script and replaces the rest", () => {
    expect(storageSafeName("My photo (1).JPG")).toBe("My_photo__1_.JPG");
    expect(storageSafeName("Zoë's ñame.png")).toBe("Zoë_s_ñame.png");
    expect(storageSafeName(".hidden")).toBe("hidden");
  });
});

describe("uploadName", () => {
  const now = new Date(Date.UTC(2024, 1, 9, 7, 5, 3));

  test.each([
    ["documents/%Y/%m/%d/", "report.pdf", {}, "documents/2024/02/09/report.pdf"],
    ["logs/%H%M%S-{name}", "a b.txt", {}, "logs/070503-a_b.txt"],
    ["uploads/user_{user}/{stem}.{ext}", "Photo.JPG", { user: 42 }, "uploads/user_42/Photo.jpg"],
    ["uploads/{stem}.{ext}", "README", {}, "uploads/README"],
    ["avatars/{user}/", "../../etc/passwd", { user: "../../x" }, "avatars/x/passwd"],
    ["100%%/{name}", "a.txt", {}, "100%/a.txt"],
  ])("%s with %j gives the expected name", (template, filename, context, expected) => {
    expect(uploadName(template, filename, context, now)).toBe(expected);
  });

  test("{uuid} is a fresh v4 UUID each time", () => {
    const first = uploadName("u/{uuid}.{ext}", "a.png");
    const second = uploadName("u/{uuid}.{ext}", "a.png");
    expect(first).toMatch(
      /^u\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.png$/,
    );
    expect(first).not.toBe(second);
  });

  test("a function receives the context and the safe file name", () => {
    const name = uploadName((context, filename) => `u/${context.user}/${filename}`, "../a b.txt", {
      user: 7,
    });
    expect(name).toBe("u/7/a_b.txt");
  });

  test("a missing placeholder value is a clear error", () => {
    expect(() => uploadName("u/{user}/", "a.txt")).toThrow(UploadNameError);
    expect(() => uploadName("u/{user}/", "a.txt")).toThrow(/\{user\} has no value/);
  });

  test.each(["/abs/{name}", "../{name}", "a/../../{name}", "a//{name}"])(
    "refuses a template that leaves the root: %s",
    (template) => {
      expect(() => uploadName(template, "a.txt")).toThrow(PathTraversalError);
    },
  );

  test("refuses a function that returns a traversal", () => {
    expect(() => uploadName(() => "../../etc/passwd", "a.txt")).toThrow(PathTraversalError);
  });
});

describe("the filenames option", () => {
  test('defaults to "reject" and refuses anything but "reject" or "basename"', () => {
    expect(resolveUploadOptions().filenames).toBe("reject");
    expect(resolveUploadOptions({ filenames: "basename" }).filenames).toBe("basename");
    expect(() => resolveUploadOptions({ filenames: "strip" as unknown as "reject" })).toThrow(
      /"filenames" must be "reject" or "basename"; found "strip"/,
    );
  });

  test("the refusal quotes a long or control-laden name readably", () => {
    const error = new UnsafeFilenameError("doc", `../${"a".repeat(300)}\u0000`, "folders");
    expect(error).toMatchObject({ code: "E_UNSAFE_FILENAME", status: 400, field: "doc" });
    expect(error.message).toBe(
      `The file name of "doc" must be a plain name without folders; got "../${"a".repeat(97)}…".`,
    );
    const control = new UnsafeFilenameError("doc", "a\u0000b.txt", "control characters");
    expect(control.message).toBe(
      'The file name of "doc" must be a plain name without control characters; got "a\\x00b.txt".',
    );
  });
});
