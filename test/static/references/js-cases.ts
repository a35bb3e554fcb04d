import type { ScanCase } from "./css-cases.js";

export const jsCases: ScanCase[] = [
  { name: "default import", source: 'import a from "./x.js";', refs: [["import", "./x.js"]] },
  {
    name: "multi-line named import",
    source: "import {\n  a,\n  b as c,\n} from './x.js'\nfoo()",
    refs: [["import", "./x.js"]],
  },
  {
    name: "import*as without spaces",
    source: 'import*as m from"./x.js"',
    refs: [["import", "./x.js"]],
  },
  {
    name: "default and named import together",
    source: 'import a, { b } from "./x.js";',
    refs: [["import", "./x.js"]],
  },
  {
    name: "a binding named from",
    source: 'import from from "./x.js"; import {from} from "./y.js"',
    refs: [
      ["import", "./x.js"],
      ["import", "./y.js"],
    ],
  },
  {
    name: "string binding names are not sources",
    source: 'import {"a-b" as ab} from "./x.js"; export {"c" as "d"} from "./y.js"',
    refs: [
      ["import", "./x.js"],
      ["import", "./y.js"],
    ],
  },
  {
    name: "export from without a semicolon",
    source: 'export {a} from "./x.js"\nlet b',
    refs: [["import", "./x.js"]],
  },
  {
    name: "side-effect import and export star",
    source: 'import "./x.js";\nconsole.log(1);\nexport * from "./x.js";',
    refs: [
      ["import", "./x.js"],
      ["import", "./x.js"],
    ],
  },
  { name: "export star as", source: 'export * as ns from "./x.js";', refs: [["import", "./x.js"]] },
  { name: "export without from names nothing", source: 'export {a};\n"./x.js";', refs: [] },
  {
    name: "export declarations name nothing",
    source: 'export const a = "./x.js"; export default "./y.js";',
    refs: [],
  },
  {
    name: "dynamic import",
    source: 'const m = import("./lazy.js");',
    refs: [["import", "./lazy.js"]],
  },
  {
    name: "dynamic import with options",
    source: 'import("./data.json", { with: { type: "json" } })',
    refs: [["import", "./data.json"]],
  },
  { name: "dynamic import of an expression", source: 'import("./" + name + ".js")', refs: [] },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JS source text as data
  { name: "dynamic import of a template", source: "import(`./${name}.js`)", refs: [] },
  {
    name: "import attributes",
    source: 'import d from "./d.json" with { type: "json" };',
    refs: [["import", "./d.json"]],
  },
  {
    name: "bare specifiers are still found (resolution skips them)",
    source: 'import vue from "vue"',
    refs: [["import", "vue"]],
  },
  { name: "import in a line comment", source: '// import("./nope.js")\nlet a', refs: [] },
  { name: "import in a block comment", source: '/* import a from "./nope.js" */', refs: [] },
  { name: "import in a string", source: "const s = \"import a from './nope.js'\";", refs: [] },
  {
    name: "import text in a template literal",
    source: 'const s = `import("./nope.js")`;',
    refs: [],
  },
  {
    name: "import code inside a template substitution",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JS source text as data
    source: 'const s = `a ${await import("./x.js")} b ${`${import("./y.js")}`}`;',
    refs: [
      ["import", "./x.js"],
      ["import", "./y.js"],
    ],
  },
  {
    name: "object braces inside a template substitution",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JS source text as data
    source: 'const s = `${ {a: 1}.a }`; import "./x.js"',
    refs: [["import", "./x.js"]],
  },
  { name: "import.meta is not an import", source: 'const u = import.meta.url; "./x.js"', refs: [] },
  { name: "a property named import", source: 'a.import("./x.js"); b?.import("./y.js")', refs: [] },
  {
    name: "an object key named import",
    source: 'x = {import: "./x.js", export: "./y.js"}',
    refs: [],
  },
  {
    name: "regex literal containing quotes",
    source: 'const r = /["\']/g; import "./x.js";',
    refs: [["import", "./x.js"]],
  },
  {
    name: "regex literal containing a slash in a class and a backtick",
    source: 'if (/[/`]/.test(s)) x(); import "./x.js"',
    refs: [["import", "./x.js"]],
  },
  {
    name: "regex after an if condition",
    source: "if (a) /'/.test(b); import './x.js'",
    refs: [["import", "./x.js"]],
  },
  {
    name: "regex after a for await head",
    source: "for await (const x of y) /'/.test(x); import './x.js'",
    refs: [["import", "./x.js"]],
  },
  {
    name: "regex in both branches of a conditional",
    source: "x = a ? /\"/ : /'/; import './x.js'",
    refs: [["import", "./x.js"]],
  },
  {
    name: "dynamic import with a bundler comment",
    source: 'import(/* webpackChunkName: "x" */ "./x.js")',
    refs: [["import", "./x.js"]],
  },
  {
    name: "re-exporting a default",
    source: "export { default } from \"./x.js\"; export { default as y, z } from './y.js'",
    refs: [
      ["import", "./x.js"],
      ["import", "./y.js"],
    ],
  },
  {
    name: "regex after return",
    source: "function f(){return /'/.test(a)}\nimport './x.js'",
    refs: [["import", "./x.js"]],
  },
  {
    name: "division after a name, a number and a paren",
    source: "a = b / 2 / (c) / d['x'] / 1; import './x.js'",
    refs: [["import", "./x.js"]],
  },
  {
    name: "division after a variable named of",
    source: 'x = of / 2; import "./x.js"; y = 1 / 2;',
    refs: [["import", "./x.js"]],
  },
  {
    name: "regex after of in a for head",
    source: 'for (const m of /["\']/g.exec(s)) import("./x.js");',
    refs: [["import", "./x.js"]],
  },
  {
    name: "regex after export default",
    source: 'export default /=/.source; export * from "./x.js"; y = 1 / 2;',
    refs: [["import", "./x.js"]],
  },
  {
    name: "division after an object literal exported by default",
    source: 'export default { a: 1 } / import("./x.js");',
    refs: [["import", "./x.js"]],
  },
  {
    name: "division after a postfix increment",
    source: "a = i++ / 2; b = '/'; import './x.js'",
    refs: [["import", "./x.js"]],
  },
  {
    name: "regex after a block's closing brace",
    source: "if (a) {}\n/'/.test(b); import './x.js'",
    refs: [["import", "./x.js"]],
  },
  {
    name: "division after an object literal's closing brace",
    source: "x = {a: 1} / 2; y = '/'; import './x.js'",
    refs: [["import", "./x.js"]],
  },
  {
    name: "division after a property named like a keyword",
    source: "x = a.return / 2; y = '/'; import './x.js'",
    refs: [["import", "./x.js"]],
  },
  {
    name: "minified code with regex and division mixed",
    source:
      'var e=/^(?:[^"\'])*$/,t=n/2/r;function i(){return a.replace(/\\//g,"\\"")}import"./x.js";',
    refs: [["import", "./x.js"]],
  },
  {
    name: "the source map comment",
    source: "a()\n//# sourceMappingURL=x.js.map",
    refs: [["sourcemap", "x.js.map"]],
  },
  {
    name: "the source map comment with trailing spaces and CRLF",
    source: "a()\r\n//# sourceMappingURL=x.js.map  \r\n",
    refs: [["sourcemap", "x.js.map"]],
  },
  {
    name: "a block source map comment",
    source: "a()\n/*# sourceMappingURL=x.js.map */",
    refs: [["sourcemap", "x.js.map"]],
  },
  {
    name: "a source map comment inside a string",
    source: 'var s = "//# sourceMappingURL=x.js.map";',
    refs: [],
  },
  {
    name: "a hashbang line",
    source: '#!/usr/bin/env node\nimport "./x.js"',
    refs: [["import", "./x.js"]],
  },
  {
    name: "a byte order mark",
    source: '\u00ef\u00bb\u00bfimport "./x.js"',
    refs: [["import", "./x.js"]],
  },
  {
    name: "escapes stay in the specifier text",
    source: 'import "./\\x61.js"',
    refs: [["import", "./\\x61.js"]],
  },
  {
    name: "an unterminated string ends at the line end",
    source: 'var s = "oops\nimport "./x.js"',
    refs: [["import", "./x.js"]],
  },
];
