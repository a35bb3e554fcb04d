import type { ReferenceKind } from "../../../src/static/references/index.js";

/** A stylesheet and the references the scanner must find in it, as [kind, text as written]. */
export interface ScanCase {
  name: string;
  source: string;
  refs: [ReferenceKind, string][];
}

export const cssCases: ScanCase[] = [
  { name: "@import with a quoted string", source: "@import 'a.css';", refs: [["url", "a.css"]] },
  {
    name: "@import with a double-quoted string and a media query",
    source: '@import "a.css" screen and (min-width: 40em);',
    refs: [["url", "a.css"]],
  },
  {
    name: "@import url() with a layer",
    source: "@import url(a.css) layer(base);",
    refs: [["url", "a.css"]],
  },
  {
    name: "@import over several lines with supports() and media",
    source: '@import url("a.css")\n  layer(base)\n  supports(\n    display: grid\n  )\n  screen;',
    refs: [["url", "a.css"]],
  },
  {
    name: "@import in any case, after a comment",
    source: '@IMPORT /* why */ "a.css";',
    refs: [["url", "a.css"]],
  },
  {
    name: "unquoted url()",
    source: "a{background:url(../img/x.png)}",
    refs: [["url", "../img/x.png"]],
  },
  {
    name: "URL() in capitals with an unquoted path",
    source: "a{b:URL(img/x.png)}",
    refs: [["url", "img/x.png"]],
  },
  {
    name: "url() with a hex escape and the space it takes",
    source: "a{b:url(\\41 img/x.png)}",
    refs: [["url", "\\41 img/x.png"]],
  },
  { name: "url() with spaces inside", source: "a{b:url(  x.png  )}", refs: [["url", "x.png"]] },
  {
    name: "URL() with spaces and quotes",
    source: "a{b:URL( 'img/x.png' )}",
    refs: [["url", "img/x.png"]],
  },
  {
    name: "url() holding a data URI with url( inside",
    source: 'a{b:url("data:image/svg+xml,url(%23a) url(%23b)")}',
    refs: [["url", "data:image/svg+xml,url(%23a) url(%23b)"]],
  },
  {
    name: "several url() in one declaration",
    source: "@font-face{src:url('f.eot?#iefix') format('eot'),url(f.woff2?v=1.2) format('woff2')}",
    refs: [
      ["url", "f.eot?#iefix"],
      ["url", "f.woff2?v=1.2"],
    ],
  },
  { name: "empty url()", source: "a{b:url()}", refs: [] },
  { name: "empty quoted url()", source: 'a{b:url("")}', refs: [["url", ""]] },
  { name: "url( inside a comment", source: '/* @import url("gone.css") */ a{}', refs: [] },
  { name: "url( inside a string", source: 'a:after{content:"url(x.png)"}', refs: [] },
  {
    name: "an unterminated comment ends the sheet",
    source: "a{} /* url(x.png)",
    refs: [],
  },
  {
    name: "a string that is not an @import's is not a reference",
    source: '@charset "UTF-8";\na{font-family:"x.woff"}',
    refs: [],
  },
  {
    name: "a name that merely ends in url is not url()",
    source: "a{b:myurl(x.png);c:-url(y.png)}",
    refs: [],
  },
  {
    name: "a bad url (quote inside) is dropped as CSS drops it",
    source: "a{b:url(x'y.png)} c{d:url(z.png)}",
    refs: [["url", "z.png"]],
  },
  {
    name: "a bad url (space inside) is dropped",
    source: "a{b:url(x y.png)} c{d:url(z.png)}",
    refs: [["url", "z.png"]],
  },
  {
    name: "escapes stay in the reference text",
    source: "a{b:url(a\\ b.png);c:url('\\'q.png')}",
    refs: [
      ["url", "a\\ b.png"],
      ["url", "\\'q.png"],
    ],
  },
  {
    name: "an escaped ) inside an unquoted url",
    source: "a{b:url(x\\).png)}",
    refs: [["url", "x\\).png"]],
  },
  {
    name: "image-set() strings and urls",
    source: 'a{b:image-set("x.png" 1x, url(y.png) 2x, "z.avif" type("image/avif"))}',
    refs: [
      ["url", "x.png"],
      ["url", "y.png"],
      ["url", "z.avif"],
    ],
  },
  {
    name: "-webkit-image-set() strings",
    source: 'a{b:-webkit-image-set("x.png" 1x)}',
    refs: [["url", "x.png"]],
  },
  {
    name: "the source map comment",
    source: "a{}\n/*# sourceMappingURL=app.css.map */",
    refs: [["sourcemap", "app.css.map"]],
  },
  {
    name: "the old source map comment with @",
    source: "a{}\n/*@ sourceMappingURL=app.css.map*/",
    refs: [["sourcemap", "app.css.map"]],
  },
  {
    name: "a comment that only mentions sourceMappingURL",
    source: "/* see sourceMappingURL=x.map */ a{}",
    refs: [],
  },
  {
    name: "a byte order mark before url()",
    source: "\u00ef\u00bb\u00bfurl(x.png)",
    refs: [["url", "x.png"]],
  },
  {
    name: "CRLF line ends",
    source: "@import url(a.css);\r\na{\r\n  b: url( x.png );\r\n}\r\n",
    refs: [
      ["url", "a.css"],
      ["url", "x.png"],
    ],
  },
  {
    name: "non-ASCII bytes (UTF-8 as latin1) in a url",
    source: "a{b:url(caf\u00c3\u00a9.png)}",
    refs: [["url", "caf\u00c3\u00a9.png"]],
  },
  {
    name: "a string with an escaped newline continues",
    source: 'a{b:"x\\\ny"} c{d:url(z.png)}',
    refs: [["url", "z.png"]],
  },
  {
    name: "an unterminated string ends at the line end",
    source: 'a{b:"oops\nc:url(z.png)}',
    refs: [["url", "z.png"]],
  },
];
