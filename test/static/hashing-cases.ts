/*
 * Rewriting cases for hashFiles. Each case puts `source` at `file` inside the
 * tree `TREE`; `expected` is the hashed copy's text, where `<<path>>` stands
 * for the hash of the file at `path` (computed by the test from the result).
 * A case whose `expected` equals its `source` must come back untouched.
 */

/** Files every case can point at. Contents are distinct so every hash is. */
export const TREE: Record<string, string> = {
  "css/a.css": "a{color:red}",
  "css/x.png": "png-css-x",
  "css/x.css.map": '{"version":3}',
  "css/caf\u00e9.png": "png-cafe",
  "img/x.png": "png-img-x",
  "img/a b.png": "png-a-b",
  "img/sprite.svg": "<svg/>",
  "fonts/f.eot": "eot",
  "fonts/f.woff2": "woff2",
  "js/x.js": "export const a = 1;",
  "js/lazy.js": "export default 2;",
  "js/x.js.map": '{"version":3,"x":1}',
  "js/vendor/lib.mjs": "export const lib = 3;",
};

export interface RewriteCase {
  name: string;
  file: string;
  source: string;
  expected: string;
}

const css = (name: string, source: string, expected = source): RewriteCase => ({
  name,
  file: "css/app.css",
  source,
  expected,
});
const js = (name: string, source: string, expected = source): RewriteCase => ({
  name,
  file: "js/app.js",
  source,
  expected,
});

export const rewriteCases: RewriteCase[] = [
  css("@import with a quoted string", "@import 'a.css';", "@import 'a.<<css/a.css>>.css';"),
  css(
    "@import url() with a layer",
    "@import url(a.css) layer(base);",
    "@import url(a.<<css/a.css>>.css) layer(base);",
  ),
  css(
    "@import with a media query",
    '@import "a.css" screen and (min-width: 40em);',
    '@import "a.<<css/a.css>>.css" screen and (min-width: 40em);',
  ),
  css(
    "@import over several lines with supports()",
    '@import url("a.css")\n  layer(base)\n  supports(\n    display: grid\n  )\n  screen;',
    '@import url("a.<<css/a.css>>.css")\n  layer(base)\n  supports(\n    display: grid\n  )\n  screen;',
  ),
  css(
    "url() under static.url",
    "a{b:url(/static/img/x.png)}",
    "a{b:url(/static/img/x.<<img/x.png>>.png)}",
  ),
  css("url() outside static.url", "a{b:url(/elsewhere/x.png)}"),
  css(
    "relative url() up and here",
    "a{b:url(../img/x.png);c:url(./x.png)}",
    "a{b:url(../img/x.<<img/x.png>>.png);c:url(./x.<<css/x.png>>.png)}",
  ),
  css("a fragment survives", 'a{b:url("a.css#frag")}', 'a{b:url("a.<<css/a.css>>.css#frag")}'),
  css(
    "a query with a fragment survives",
    "@font-face{src:url('../fonts/f.eot?#iefix')}",
    "@font-face{src:url('../fonts/f.<<fonts/f.eot>>.eot?#iefix')}",
  ),
  css(
    "a version query survives",
    "@font-face{src:url(../fonts/f.woff2?v=1.2)}",
    "@font-face{src:url(../fonts/f.<<fonts/f.woff2>>.woff2?v=1.2)}",
  ),
  css(
    "a data URI holding url() stays intact",
    'a{b:url("data:image/svg+xml,url(%23a) url(%23b)")}',
  ),
  css(
    "schemes, other hosts, fragments and empty url() stay",
    "a{b:url(http:x);c:url(//cdn/x);d:url(#x);e:url()}",
  ),
  css(
    "URL() with spaces and quotes",
    "a{b:URL( '../img/x.png' )}",
    "a{b:URL( '../img/x.<<img/x.png>>.png' )}",
  ),
  css(
    "a percent-encoded name keeps its encoding",
    'a{b:url("../img/a%20b.png")}',
    'a{b:url("../img/a%20b.<<img/a b.png>>.png")}',
  ),
  css(
    "a CSS-escaped name keeps its escape",
    "a{b:url(../img/a\\ b.png)}",
    "a{b:url(../img/a\\ b.<<img/a b.png>>.png)}",
  ),
  css(
    "a hex CSS escape in a string",
    'a{b:url("../img/\\78 .png")}',
    'a{b:url("../img/\\78 .<<img/x.png>>.png")}',
  ),
  css(
    "a UTF-8 file name keeps its bytes",
    "a{b:url(caf\u00e9.png)}",
    "a{b:url(caf\u00e9.<<css/caf\u00e9.png>>.png)}",
  ),
  css("a folder stays", "a{b:url(../img/)}"),
  css("a reference in a comment is ignored", '/* @import url("gone.css") */ a{}'),
  css("a string that only looks like a url", 'a:after{content:"url(gone.png)"}'),
  css(
    "the CSS source map comment",
    "a{}\n/*# sourceMappingURL=x.css.map */",
    "a{}\n/*# sourceMappingURL=x.css.<<css/x.css.map>>.map */",
  ),
  css(
    "@charset and a byte order mark survive",
    '\ufeff@charset "UTF-8";\na{b:url(x.png)}',
    '\ufeff@charset "UTF-8";\na{b:url(x.<<css/x.png>>.png)}',
  ),
  css(
    "CRLF line ends survive",
    "@import 'a.css';\r\na{\r\n  b: url(x.png);\r\n}\r\n",
    "@import 'a.<<css/a.css>>.css';\r\na{\r\n  b: url(x.<<css/x.png>>.png);\r\n}\r\n",
  ),
  css(
    "image-set() strings",
    'a{b:image-set("x.png" 1x, "../img/x.png" 2x)}',
    'a{b:image-set("x.<<css/x.png>>.png" 1x, "../img/x.<<img/x.png>>.png" 2x)}',
  ),
  css(
    "an SVG fragment reference",
    "a{b:url(../img/sprite.svg#icon)}",
    "a{b:url(../img/sprite.<<img/sprite.svg>>.svg#icon)}",
  ),
  js("default import", 'import a from "./x.js";', 'import a from "./x.<<js/x.js>>.js";'),
  js(
    "multi-line named import",
    "import {\n  a,\n  b as c,\n} from './x.js'\n",
    "import {\n  a,\n  b as c,\n} from './x.<<js/x.js>>.js'\n",
  ),
  js("import*as", 'import*as m from "./x.js"', 'import*as m from "./x.<<js/x.js>>.js"'),
  js(
    "export from without a semicolon",
    'export {a} from "./x.js"\nlet b = 1',
    'export {a} from "./x.<<js/x.js>>.js"\nlet b = 1',
  ),
  js(
    "side-effect import and export star",
    'import "./x.js";\nconsole.log(1);\nexport * from "./x.js";',
    'import "./x.<<js/x.js>>.js";\nconsole.log(1);\nexport * from "./x.<<js/x.js>>.js";',
  ),
  js("dynamic import", 'import("./lazy.js")', 'import("./lazy.<<js/lazy.js>>.js")'),
  js("a bare specifier stays", 'import vue from "vue"'),
  js("an import in a comment is ignored", '// import("./nope.js")\nlet a = 1;'),
  js(
    "the JS source map comment",
    "a();\n//# sourceMappingURL=x.js.map",
    "a();\n//# sourceMappingURL=x.js.<<js/x.js.map>>.map",
  ),
  js(
    "an absolute import under static.url",
    'import {lib} from "/static/js/vendor/lib.mjs";',
    'import {lib} from "/static/js/vendor/lib.<<js/vendor/lib.mjs>>.mjs";',
  ),
  js(
    "a regex literal holding quotes does not hide an import",
    "const r = /[\"']/g;\nimport './x.js';",
    "const r = /[\"']/g;\nimport './x.<<js/x.js>>.js';",
  ),
  js("template text that looks like an import is not one", 'const s = `import("./nope.js")`;'),
  js(
    "an import in a template substitution is code",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JS source text as data
    'const s = `${await import("./x.js")}`;',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JS source text as data
    'const s = `${await import("./x.<<js/x.js>>.js")}`;',
  ),
  js(
    "a JS-escaped specifier keeps its escape",
    'import "./\\x78.js"',
    'import "./\\x78.<<js/x.js>>.js"',
  ),
];

/** References to files that do not exist: [name, file, source, message]. */
export const missingCases: [string, string, string, string][] = [
  [
    "a missing image, on its line",
    "css/app.css",
    'a{}\n\n/* fine */\nb{c:url("../img/gone.png")}',
    'css/app.css:4: "../img/gone.png" could not be found (looked for img/gone.png)',
  ],
  [
    "a missing import on a CRLF line",
    "js/app.js",
    'let a;\r\nlet b;\r\nimport "./gone.js";\r\n',
    'js/app.js:3: "./gone.js" could not be found (looked for js/gone.js)',
  ],
  [
    "a reference that climbs out of the static tree",
    "css/app.css",
    "a{b:url(../../../x.png)}",
    'css/app.css:1: "../../../x.png" could not be found (it points outside the static files)',
  ],
  [
    "a missing source map",
    "js/app.js",
    "a();\n//# sourceMappingURL=gone.js.map",
    'js/app.js:2: "gone.js.map" could not be found (looked for js/gone.js.map)',
  ],
  [
    "a missing @import, shown unescaped",
    "css/app.css",
    "@import '\\67 one.css';",
    'css/app.css:1: "gone.css" could not be found (looked for css/gone.css)',
  ],
  [
    "a folder-like name that is not a file",
    "css/app.css",
    "a{b:url(../img)}",
    'css/app.css:1: "../img" could not be found (looked for img)',
  ],
];
