import { describe, expect, it } from "vitest";
import {
  cssUnescape,
  decodeReferenceText,
  hashedName,
  jsMayReference,
  jsUnescape,
  lineAt,
  parseStaticUrl,
  percentDecode,
  resolveReference,
  rewriteReference,
  scannerFor,
} from "../../../src/static/references/index.js";
import { resolveCases } from "./resolve-cases.js";

describe("resolveReference", () => {
  it.each(resolveCases)("%j in %s under %s (import: %s)", (spec, from, url, isImport, expected) => {
    expect(resolveReference(spec, from, parseStaticUrl(url), isImport)).toEqual(expected);
  });
});

describe("hashedName", () => {
  it.each([
    ["css/app.css", "css/app.0123456789ab.css"],
    ["a.tar.gz", "a.tar.0123456789ab.gz"],
    ["LICENSE", "LICENSE.0123456789ab"],
    ["dir.v2/LICENSE", "dir.v2/LICENSE.0123456789ab"],
    [".htaccess", ".htaccess.0123456789ab"],
    ["..a.b", "..a.0123456789ab.b"],
    ["img/a b.png", "img/a b.0123456789ab.png"],
  ])("%s -> %s", (path, expected) => {
    expect(hashedName(path, "0123456789ab")).toBe(expected);
  });
});

describe("rewriteReference", () => {
  const h = "0123456789ab";
  it.each([
    ["../img/x.png", "css", "img/x.png", "../img/x.0123456789ab.png"],
    ["a.css#frag", "css", "css/a.css", "a.0123456789ab.css#frag"],
    ["f.eot?#iefix", "css", "f.eot", "f.0123456789ab.eot?#iefix"],
    ["f.woff2?v=1.2", "css", "f.woff2", "f.0123456789ab.woff2?v=1.2"],
    ["/static/img/x.png", "css", "img/x.png", "/static/img/x.0123456789ab.png"],
    ["img/a%20b.png", "css", "img/a b.png", "img/a%20b.0123456789ab.png"],
    ["img/a\\ b.png", "css", "img/a b.png", "img/a\\ b.0123456789ab.png"],
    ["img/\\61 .png", "css", "img/a.png", "img/\\61 .0123456789ab.png"],
    ["./\\x61.js", "js", "a.js", "./\\x61.0123456789ab.js"],
    ["x.js.map", "none", "x.js.map", "x.js.0123456789ab.map"],
    ["LICENSE", "none", "LICENSE", "LICENSE.0123456789ab"],
    // The extension's dot is escaped: the hash cannot be slotted in, so the name is re-spelled.
    ["img/a%2Epng", "css", "img/a.png", "img/a.0123456789ab.png"],
    ["img/x\\2e png", "css", "img/x.png", "img/x.0123456789ab.png"],
    // Non-ASCII names keep their bytes (latin1 view of UTF-8).
    ["caf\u00c3\u00a9.png", "css", "caf\u00e9.png", "caf\u00c3\u00a9.0123456789ab.png"],
  ] as const)("%s -> %s", (raw, syntax, target, expected) => {
    expect(rewriteReference(raw, syntax, target, h)).toBe(expected);
  });
});

describe("decoding reference text", () => {
  it.each([
    ["a\\ b.png", "a b.png"],
    ["\\61 b", "ab"],
    ["\\000061b", "ab"],
    ["\\61\r\nb", "ab"],
    ["\\'q", "'q"],
    ["a\\\nb", "ab"],
    ["\\0", "\ufffd"],
    ["\\110000", "\ufffd"],
    ["no escapes", "no escapes"],
  ])("CSS %j -> %j", (text, expected) => {
    expect(cssUnescape(text)).toBe(expected);
  });

  it.each([
    ["\\x61", "a"],
    ["\\u0061", "a"],
    ["\\u{1F600}", "\u{1F600}"],
    ["\\n\\t\\'", "\n\t'"],
    ["a\\\r\nb", "ab"],
    ["\\q", "q"],
  ])("JS %j -> %j", (text, expected) => {
    expect(jsUnescape(text)).toBe(expected);
  });

  it.each([
    ["a%20b", "a b"],
    ["caf%C3%A9", "caf\u00e9"],
    ["100%", "100%"],
    ["%E9", "%E9"],
  ])("percent %j -> %j", (text, expected) => {
    expect(percentDecode(text)).toBe(expected);
  });

  it("reads the latin1 view of UTF-8 bytes back as UTF-8 before unescaping", () => {
    const latin1 = Buffer.from("caf\u00e9\\ x", "utf8").toString("latin1");
    expect(decodeReferenceText(latin1, "css")).toBe("caf\u00e9 x");
    expect(decodeReferenceText(latin1, "none")).toBe("caf\u00e9\\ x");
  });
});

describe("scannerFor", () => {
  it.each([
    ["css/app.css", "css"],
    ["css/APP.CSS", "css"],
    ["js/app.js", "js"],
    ["js/app.mjs", "js"],
    ["js/app.cjs", null],
    ["js/app.js.map", null],
    ["img/x.svg", null],
    ["LICENSE", null],
  ])("%s -> %s", (path, expected) => {
    expect(scannerFor(path)).toBe(expected);
  });
});

describe("lineAt", () => {
  it.each([
    ["abc", 2, 1],
    ["a\nb\nc", 4, 3],
    ["a\r\nb\r\nc", 6, 3],
    ["a\rb\rc", 4, 3],
    ["a\n", 2, 2],
  ])("%j at %d is line %d", (text, offset, line) => {
    expect(lineAt(text, offset)).toBe(line);
  });
});

describe("jsMayReference", () => {
  it.each([
    ['import "./x.js"', true],
    ['import"./x.js"', true],
    ["x;export{a}from'./y.js'", true],
    ["a()\n//# sourceMappingURL=a.js.map", true],
    ["const m = await import('./m.js')", true],
    ["module.exports = require('./x.js')", false],
    ["exports.a = 1; reimport(); import_ = 2; $import = 3", false],
    ["x.import('./x.js'); y.export = 1", false],
    ["var s = 1;", false],
  ])("%j -> %s", (source, expected) => {
    expect(jsMayReference(new Uint8Array(Buffer.from(source)))).toBe(expected);
  });

  it("reads a view into a larger buffer without looking outside it", () => {
    const whole = Buffer.from('import "./x.js"; var a = 1;');
    const view = new Uint8Array(whole.buffer, whole.byteOffset + 17, whole.length - 17);
    expect(jsMayReference(view)).toBe(false);
  });
});
