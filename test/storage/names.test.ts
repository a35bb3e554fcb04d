import { describe, expect, it } from "vitest";
import {
  alternativeName,
  candidateNames,
  checkName,
  splitName,
  validName,
} from "../../src/storage/names.js";

function* take<T>(source: Iterator<T>, count: number): Generator<T> {
  for (let i = 0; i < count; i++) yield source.next().value as T;
}

describe("validName", () => {
  const cleaned: [string, string][] = [
    ["photo.jpg", "photo.jpg"],
    ["  my photo .jpg ", "my_photo_.jpg"],
    ["<script>alert(1)</script>.html", "scriptalert1/script.html"],
    ['it\'s "quoted".txt', "its_quoted.txt"],
    ["semi;colon.txt", "semicolon.txt"],
    ["new\nline.txt", "newline.txt"],
    ["..&#x2F;x", "x2Fx"],
    [".htaccess", "htaccess"],
    ["dir/.env", "dir/env"],
    [".stowage-0123456789abcdef.tmp", "stowage-0123456789abcdef.tmp"],
    ["a:b.txt", "ab.txt"],
    ["caf\u0065\u0301.txt", "caf\u00e9.txt"],
    ["отчёт.pdf", "отчёт.pdf"],
    ["报告 2024.pdf", "报告_2024.pdf"],
    ["📄 report.pdf", "📄_report.pdf"],
    ["👩‍👩‍👧 family.jpg", "👩‍👩‍👧_family.jpg"],
    ["🇫🇷.png", "🇫🇷.png"],
    ["dir//x.txt", "dir/x.txt"],
    ["./a.txt", "a.txt"],
    ["a\\b.txt", "a/b.txt"],
    ["ünïcödé.txt", "ünïcödé.txt"],
  ];
  it.each(cleaned)("cleans %j to %j", (input, expected) => {
    expect(validName(input)).toBe(expected);
  });

  const refused: [string, string][] = [
    ["/etc/x", "E_PATH_TRAVERSAL"],
    ["C:\\x", "E_PATH_TRAVERSAL"],
    ["\\etc\\x", "E_PATH_TRAVERSAL"],
    ["../../x", "E_PATH_TRAVERSAL"],
    ["..\\..\\x", "E_PATH_TRAVERSAL"],
    ["sub/../../x", "E_PATH_TRAVERSAL"],
    ["", "E_INVALID_NAME"],
    [".", "E_INVALID_NAME"],
    ["..", "E_PATH_TRAVERSAL"],
    ["a\u0000b", "E_INVALID_NAME"],
    ["dir/", "E_INVALID_NAME"],
    ["<>", "E_INVALID_NAME"],
    ["\ud800.txt", "E_INVALID_NAME"],
    ["a\udfff", "E_INVALID_NAME"],
    ["...", "E_INVALID_NAME"],
    ["C:/x", "E_PATH_TRAVERSAL"],
    [`${"é".repeat(200)}/a.txt`, "E_INVALID_NAME"],
  ];
  it.each(refused)("refuses %j with %s", (input, code) => {
    expect(() => validName(input)).toThrow(expect.objectContaining({ code, status: 400 }));
  });
});

describe("checkName", () => {
  it.each(["a", "a/b.txt", "ü/ß", "a:b.txt", "C:x", "x..", "📄.pdf"])("accepts %j", (name) => {
    expect(checkName(name)).toBe(name);
  });
  it.each([
    "",
    "/a",
    "a/../b",
    "..",
    "a//b",
    "./a",
    "a\\b",
    "C:/x",
    "a\nb",
    "a\u0000",
    "..x",
    ".htaccess",
    "dir/.stowage-0123456789abcdef.tmp",
    ".stowage-claims/a.txt/0123",
    "\ud800.txt",
    "x".repeat(256),
  ])("refuses %j", (name) => {
    expect(() => checkName(name)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("names one file by its NFC spelling, whichever spelling is asked for", () => {
    expect(checkName("cafe\u0301.txt")).toBe("caf\u00e9.txt");
    expect(checkName("caf\u00e9.txt")).toBe("caf\u00e9.txt");
  });

  it("refuses a lone surrogate as a name error, never a bare URIError", () => {
    expect(() => checkName("\ud800.txt")).toThrow(
      expect.objectContaining({
        code: "E_INVALID_NAME",
        message: expect.stringMatching(/surrogate/),
      }),
    );
  });
});

describe("splitName and alternativeName", () => {
  const splits: [string, string, string, string][] = [
    ["a.txt", "", "a", ".txt"],
    ["d/e/a.tar.gz", "d/e/", "a", ".tar.gz"],
    ["app.min.js", "", "app", ".min.js"],
    ["my.photo.jpg", "", "my.photo", ".jpg"],
    ["noext", "", "noext", ""],
    [".htaccess", "", ".htaccess", ""],
  ];
  it.each(splits)("splits %j into %j %j %j", (name, dir, root, ext) => {
    expect(splitName(name)).toEqual({ dir, root, ext });
  });

  it("puts the random suffix before the whole extension", () => {
    expect(alternativeName("d/a.tar.gz", "Abc1234")).toBe("d/a_Abc1234.tar.gz");
  });

  it("shortens the root so the whole name fits maxLength", () => {
    const name = `dir/${"x".repeat(300)}.txt`;
    const shortened = alternativeName(name, "Abc1234", 255);
    expect(shortened).toHaveLength(255);
    expect(shortened).toMatch(/^dir\/x+_Abc1234\.txt$/);
  });

  it("shortens a file part to 255 UTF-8 bytes, by whole characters", () => {
    const name = `d/${"é".repeat(200)}.txt`;
    const [first, second] = [...take(candidateNames(name, { random: () => "R123456" }), 2)];
    expect(first).toMatch(/^d\/é+_R123456\.txt$/);
    expect(Buffer.byteLength(first.slice(2))).toBeLessThanOrEqual(255);
    expect(Buffer.byteLength(first.slice(2))).toBeGreaterThan(250);
    expect(second).toBe(first);
    const emoji = alternativeName(`${"😀".repeat(100)}.png`, "R123456");
    expect(emoji).toMatch(/^(😀)+_R123456\.png$/);
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(255);
  });

  it("refuses a name whose folders alone exceed maxLength", () => {
    expect(() => alternativeName(`${"d".repeat(260)}/a.txt`, "Abc1234", 255)).toThrow(
      expect.objectContaining({ code: "E_INVALID_NAME" }),
    );
  });

  it("yields the name first, then distinct random variants; a too-long name only as variants", () => {
    const names = candidateNames("a.txt");
    const first = [names.next().value, names.next().value, names.next().value];
    expect(first[0]).toBe("a.txt");
    expect(first[1]).toMatch(/^a_[A-Za-z0-9]{7}\.txt$/);
    expect(first[2]).not.toBe(first[1]);
    const long = candidateNames("y".repeat(300), { maxLength: 100, random: () => "R123456" }).next()
      .value;
    expect(long).toBe(`${"y".repeat(92)}_R123456`);
  });
});
