import type { Resolution } from "../../../src/static/references/index.js";

/** [reference (decoded from its syntax), file it appears in, static.url, is a JS import, expected]. */
export type ResolveCase = [string, string, string, boolean, Resolution];

const skip: Resolution = { kind: "skip" };
const path = (p: string): Resolution => ({ kind: "path", path: p });
const outside: Resolution = { kind: "outside" };

export const resolveCases: ResolveCase[] = [
  ["../img/x.png", "css/app.css", "/static/", false, path("img/x.png")],
  ["./x.png", "css/app.css", "/static/", false, path("css/x.png")],
  ["x.png", "css/app.css", "/static/", false, path("css/x.png")],
  ["img//x.png", "app.css", "/static/", false, path("img/x.png")],
  ["a/./b/../x.png", "app.css", "/static/", false, path("a/x.png")],
  ["/static/img/x.png", "css/deep/app.css", "/static/", false, path("img/x.png")],
  ["/static/img/x.png", "css/app.css", "/assets/", false, skip],
  ["/elsewhere/x.png", "css/app.css", "/static/", false, skip],
  ["/staticx/x.png", "css/app.css", "/static/", false, skip],
  ["/static", "css/app.css", "/static/", false, skip],
  ["a.css#frag", "css/app.css", "/static/", false, path("css/a.css")],
  ["f.eot?#iefix", "css/app.css", "/static/", false, path("css/f.eot")],
  ["f.woff2?v=1.2", "css/app.css", "/static/", false, path("css/f.woff2")],
  ["img/a%20b.png", "app.css", "/static/", false, path("img/a b.png")],
  ["img/100%.png", "app.css", "/static/", false, path("img/100%.png")],
  ["caf\u00e9.png", "css/app.css", "/static/", false, path("css/caf\u00e9.png")],
  ["  x.png  ", "app.css", "/static/", false, path("x.png")],
  ["data:image/svg+xml,url(%23a) url(%23b)", "app.css", "/static/", false, skip],
  ["http:x", "app.css", "/static/", false, skip],
  ["HTTPS://example.com/x.png", "app.css", "/static/", false, skip],
  ["mailto:a@b", "app.css", "/static/", false, skip],
  ["//cdn/x", "app.css", "/static/", false, skip],
  ["#x", "app.css", "/static/", false, skip],
  ["", "app.css", "/static/", false, skip],
  ["?v=1", "app.css", "/static/", false, skip],
  ["img/", "css/app.css", "/static/", false, skip],
  [".", "css/app.css", "/static/", false, skip],
  ["..", "css/app.css", "/static/", false, skip],
  ["../../../x.png", "css/app.css", "/static/", false, outside],
  ["../x.png", "app.css", "/static/", false, outside],
  ["/static/../x.png", "app.css", "/static/", false, outside],
  ["vue", "js/app.js", "/static/", true, skip],
  ["lodash/get.js", "js/app.js", "/static/", true, skip],
  ["./x.js", "js/app.js", "/static/", true, path("js/x.js")],
  ["../x.js", "js/app.js", "/static/", true, path("x.js")],
  ["/static/js/x.js", "app.js", "/static/", true, path("js/x.js")],
  ["x.js.map", "js/app.js", "/static/", false, path("js/x.js.map")],
  // An absolute static.url: full URLs under it are ours, and so are
  // path-absolute ones, since the file itself is served from that origin.
  [
    "https://cdn.example.com/static/img/x.png",
    "a.css",
    "https://cdn.example.com/static/",
    false,
    path("img/x.png"),
  ],
  [
    "https://CDN.example.com/static/img/x.png",
    "a.css",
    "https://cdn.example.com/static/",
    false,
    path("img/x.png"),
  ],
  ["https://cdn.example.com/other/x.png", "a.css", "https://cdn.example.com/static/", false, skip],
  [
    "https://other.example.com/static/x.png",
    "a.css",
    "https://cdn.example.com/static/",
    false,
    skip,
  ],
  ["/static/img/x.png", "a.css", "https://cdn.example.com/static/", false, path("img/x.png")],
  [
    "https://cdn.example.com/static/x.js",
    "a.js",
    "https://cdn.example.com/static/",
    true,
    path("x.js"),
  ],
  ["/static/img/x.png", "a.css", "/static", false, path("img/x.png")],
  ["/static/img/x.png", "a.css", "static/", false, path("img/x.png")],
];
