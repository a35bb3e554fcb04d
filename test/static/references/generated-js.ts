import fc from "fast-check";

/*
 * Generated ES modules for the differential test against es-module-lexer:
 * every module reference form, mixed with code that only looks like one
 * (strings, comments, templates, regexes, properties named `import`) and
 * with the places where `/` is hard to tell apart (division or regex).
 * Every program is valid JavaScript, so the reference has a right answer.
 */

/** One piece of a specifier's text, as written between quotes. */
function specifierPart(quote: string) {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom("./", "../", "lib/", "a", "b-c", "d_e", "x.js", ".mjs"),
    },
    { weight: 2, arbitrary: fc.constantFrom("@scope/pkg", "%20", "?v=1", "#top", "/abs", "é") },
    // Escapes the scanner must keep as written: hex, unicode, braces, a line continuation.
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "\\x2e",
        "\\u002f",
        "\\u{61}",
        "\\\\",
        `\\${quote}`,
        "\\\n",
        "\\t",
      ),
    },
  );
}

/** A quoted specifier, e.g. `"./a.js"`. */
export const specifier = fc
  .constantFrom('"', "'")
  .chain((quote) =>
    fc
      .array(specifierPart(quote), { minLength: 1, maxLength: 5 })
      .map((parts) => `${quote}${parts.join("")}${quote}`),
  );

const name = fc.constantFrom(
  "a",
  "b",
  "value",
  "from",
  "as",
  "of",
  "async",
  "get",
  "target",
  "$x",
  "_y",
);

/** Code that is not a reference but holds the text of one, or a `/` that must be read right. */
const decoyExpression = fc.constantFrom(
  "\"import('./no.js')\"",
  "'export * from \"./no.js\"'",
  '`import "./no.js"`',
  "/[/\"'`]+/g",
  '/import\\("x"\\)/',
  "/=/.source",
  "/[\\]/]/u",
  "import.meta.url",
  "a.import",
  "b?.import",
  "1e3",
  ".5",
  "0x1F",
  "null",
);

const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    name,
    decoyExpression,
    specifier.map((s) => `import(${s})`),
    specifier.map((s) => `import(${s}, { with: { type: "json" } })`),
    specifier.map((s) => `import(/* webpackChunkName: "x" */ ${s})`),
    fc.tuple(tie("expr"), specifier).map(([e, s]) => `import(${e} + ${s})`),
    fc.tuple(name, specifier).map(([n, s]) => `${n}.import(${s})`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `${a} / ${b}`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `(${a}) / ${b} / 2`),
    fc.tuple(name, tie("expr")).map(([n, e]) => `${n}++ / ${e}`),
    fc.tuple(name, tie("expr")).map(([n, e]) => `${n}[${e}] / 2`),
    fc
      .tuple(tie("expr"), tie("expr"))
      .map(([a, b]) => `\`text \${${a}} and \${\`nested \${${b}}\`}\``),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `{ import: ${a}, [${b}]: 1, "k": 2 }`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `[${a}, ${b}]`),
    fc.tuple(tie("expr"), tie("expr"), tie("expr")).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
    // Functions in parens, as an operand of `/` or `?:` must be.
    tie("expr").map((e) => `((x) => (${e}))`),
    tie("expr").map((e) => `((x) => { return ${e}; })`),
    tie("expr").map((e) => `(function (x) { if (x) /re/.test(x); return ${e}; })`),
    tie("expr").map((e) => `/* import "./no.js" */ ${e}`),
    fc.tuple(name, tie("expr")).map(([n, e]) => `new ${n}(${e})`),
  ),
})).expr;

const statement: fc.Arbitrary<string> = fc.letrec<{ stmt: string }>((tie) => ({
  stmt: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    expression.map((e) => `(${e});`),
    expression.map((e) => `let v = ${e};`),
    fc.tuple(expression, tie("stmt"), tie("stmt")).map(([e, a, b]) => `if (${e}) ${a} else ${b}`),
    fc.tuple(expression, expression).map(([e, f]) => `if (${e}) /x\\//g.exec(${f});`),
    // es-module-lexer fails on `for (x of of / 2)`, valid as it is: no `of` named right after the keyword.
    fc
      .tuple(expression, tie("stmt"))
      .filter(([e]) => !/^of\b/.test(e))
      .map(([e, s]) => `for (const k of ${e}) ${s}`),
    fc.tuple(tie("stmt"), tie("stmt")).map(([a, b]) => `{ ${a} ${b} }`),
    // A function declaration in a block (strict code allows none directly under `if`); a regex may follow its `}`.
    fc
      .tuple(tie("stmt"), expression)
      .map(([s, e]) => `{ function f(x) { ${s} return ${e}; } /re/.test(x); }`),
    expression.map((e) => `{ } /re/g.test(${e});`),
    fc.constant("// import('./no.js') in a line comment\n"),
    fc.constant("/* export * from './no.js' */"),
    fc.constant("label: for (;;) break label;"),
  ),
})).stmt;

/** Statements only a module's top level may hold: imports, exports, top-level await. */
const topLevel = fc.oneof(
  specifier.map((s) => `import a from ${s};`),
  specifier.map((s) => `import {\n  a,\n  b as c\n} from ${s};`),
  specifier.map((s) => `import * as ns from ${s};`),
  specifier.map((s) => `import ${s};`),
  specifier.map((s) => `import a, { b } from ${s};`),
  specifier.map((s) => `import a, * as ns from ${s};`),
  specifier.map((s) => `import { "string name" as d } from ${s};`),
  specifier.map((s) => `import j from ${s} with { type: "json" };`),
  specifier.map((s) => `import /* c */ { a } /* from "./no.js" */ from ${s};`),
  specifier.map((s) => `export * from ${s};`),
  specifier.map((s) => `export * as ns from ${s};`),
  specifier.map((s) => `export { a, b as c } from ${s};`),
  specifier.map((s) => `export { default } from ${s};`),
  specifier.map((s) => `export { a as "string name" } from ${s};`),
  specifier.map((s) => `const m = await import(${s});`),
  expression.map((e) => `export const w = ${e};`),
  statement.map((s) => `export function g(x) { ${s} }`),
  expression.map((e) => `export default ${e};`),
  fc.constant("export { a as from };"),
);

const gap = fc.constantFrom("\n", " ", "\r\n", "\n\n", "\t");

/** A whole module: top-level statements and plain statements, in any order. */
export const jsModule = fc
  .array(fc.tuple(fc.oneof(topLevel, statement), gap), { maxLength: 12 })
  .map((pieces) => pieces.map(([code, space]) => code + space).join(""));
