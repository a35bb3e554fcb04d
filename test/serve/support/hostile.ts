/** Hostile request targets, as raw bytes. Each must get 404 (or 400 when the request line cannot be parsed). */
const ascii = (text: string) => Buffer.from(text, "latin1");

/**
 * Targets with `.` segments that a WHATWG URL parser resolves to a real file
 * inside the root (`/static/js/app.js`). Fetch runtimes parse the URL before
 * the handler sees it, so the fetch adapter may serve that in-root file; the
 * node adapters see the raw target and refuse it.
 */
export const NORMALISED_BY_URL_PARSERS = new Set(["single dot segment", "encoded single dot"]);

export const HOSTILE_TARGETS: ReadonlyArray<[string, Buffer]> = [
  ["dot-dot slash", ascii("/static/../secret.txt")],
  ["dot-dot at the prefix", ascii("/static/../package.json")],
  ["deep dot-dot", ascii("/static/css/../../secret.txt")],
  ["dot-dot from the top", ascii("/../secret.txt")],
  ["encoded slash", ascii("/static/..%2fsecret.txt")],
  ["encoded slash upper case", ascii("/static/..%2Fsecret.txt")],
  ["encoded dots", ascii("/static/%2e%2e/secret.txt")],
  ["encoded dots upper case", ascii("/static/%2E%2E/secret.txt")],
  ["fully encoded traversal", ascii("/static/%2e%2e%2fsecret.txt")],
  ["double-encoded dots", ascii("/static/%252e%252e/secret.txt")],
  ["double-encoded slash", ascii("/static/..%252fsecret.txt")],
  ["backslash", ascii("/static/..\\secret.txt")],
  ["encoded backslash", ascii("/static/..%5csecret.txt")],
  ["encoded backslash upper case", ascii("/static/..%5Csecret.txt")],
  ["encoded NUL", ascii("/static/js/app.js%00.css")],
  ["NUL before dot-dot", ascii("/static/%00/../secret.txt")],
  ["overlong slash (c0 af)", ascii("/static/..%c0%afsecret.txt")],
  ["overlong dot (c0 ae)", ascii("/static/%c0%ae%c0%ae/secret.txt")],
  ["overlong three-byte slash", ascii("/static/..%e0%80%afsecret.txt")],
  ["invalid UTF-8 byte", ascii("/static/%ff.txt")],
  ["lone continuation byte", ascii("/static/%80.txt")],
  ["truncated UTF-8 sequence", ascii("/static/%c3.txt")],
  ["encoded surrogate", ascii("/static/%ed%a0%80.txt")],
  ["double slash to /etc/passwd", ascii("//etc/passwd")],
  ["prefix then absolute path", ascii("/static//etc/passwd")],
  ["absolute-form to a file", ascii("http://127.0.0.1/static/../secret.txt")],
  ["precompressed sibling", ascii("/static/css/app.0123456789ab.css.br")],
  ["gzip sibling", ascii("/static/css/app.0123456789ab.css.gz")],
  ["dotfile", ascii("/static/.env")],
  ["encoded dotfile", ascii("/static/%2eenv")],
  ["dot folder", ascii("/static/.git/config")],
  ["manifest", ascii("/static/staticfiles.json")],
  ["symlink out of the root", ascii("/static/escape.txt")],
  ["symlinked folder out of the root", ascii("/static/escape-dir/secret.txt")],
  ["symlinked folder to package.json", ascii("/static/escape-dir/package.json")],
  ["very long path", ascii(`/static/${"a/".repeat(5000)}x.css`)],
  ["very long name", ascii(`/static/${"a".repeat(10000)}.css`)],
  ["bad percent-encoding", ascii("/static/%zz.css")],
  ["percent at the end", ascii("/static/js/app.js%")],
  ["half an escape", ascii("/static/js/app.js%4")],
  ["single dot segment", ascii("/static/./js/app.js")],
  ["encoded single dot", ascii("/static/%2e/js/app.js")],
  ["trailing slash on a file", ascii("/static/js/app.js/")],
  ["the prefix itself", ascii("/static/")],
  ["semicolon path parameter", ascii("/static/..;/secret.txt")],
  [
    "raw UTF-8 overlong bytes",
    Buffer.from([0x2f, 0x73, 0x74, 0x61, 0x74, 0x69, 0x63, 0x2f, 0x2e, 0x2e, 0xc0, 0xaf, 0x73]),
  ],
  ["space in the target", ascii("/static/../ secret.txt")],
  ["tab in the target", ascii("/static/..\tsecret.txt")],
  ["asterisk-form", ascii("*")],
  ["empty target", ascii("")],
  ["encoded control character", ascii("/static/js/app%01.js")],
  ["encoded escape character", ascii("/static/js/%1bapp.js")],
  ["encoded DEL", ascii("/static/js/app.js%7f")],
  ["encoded CR LF", ascii("/static/js/app.js%0d%0aX-Injected:%201")],
];

/**
 * The same targets under another prefix (`/media/`), with `suffix` added to
 * the path (before any query): a variant suffix makes every one of them ask
 * for an image variant. Targets that never named the prefix stay as they are.
 */
export function hostileTargetsUnder(prefix: string, suffix = ""): ReadonlyArray<[string, Buffer]> {
  return HOSTILE_TARGETS.map(([label, target]) => {
    let text = target.toString("latin1");
    if (!text.includes("/static/")) return [label, target];
    text = text.replaceAll("/static/", prefix);
    const query = text.indexOf("?");
    text = query === -1 ? text + suffix : text.slice(0, query) + suffix + text.slice(query);
    return [label, Buffer.from(text, "latin1")];
  });
}
