import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanCss, scanJs } from "../../../src/static/references/index.js";

/*
 * Generated files: statements that reference a module interleaved with code
 * that only looks like it does (in strings, comments, templates, regexes).
 * The scanner must find exactly the real ones, in order.
 */

const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/).map((n) => `./${n}.js`);

const jsReference = fc.oneof(
  name.map((s) => ({ code: `import a from "${s}";`, spec: s })),
  name.map((s) => ({ code: `import {\n  a,\n  b as c\n} from '${s}'`, spec: s })),
  name.map((s) => ({ code: `import*as m from"${s}"`, spec: s })),
  name.map((s) => ({ code: `import '${s}'`, spec: s })),
  name.map((s) => ({ code: `export {a} from "${s}"`, spec: s })),
  name.map((s) => ({ code: `export * from "${s}";`, spec: s })),
  name.map((s) => ({ code: `const m = await import("${s}")`, spec: s })),
  name.map((s) => ({ code: "x = `$" + "{import('" + s + "')}`", spec: s })),
);

const jsDecoy = fc.constantFrom(
  "a = b / 2 / c;",
  'if (x) /import "\\.\\/no.js"/.test(y);',
  "r = /[\"'`]/g;",
  "s = \"import('./no.js')\";",
  "s = 'export * from \"./no.js\"';",
  "// import './no.js'\n",
  "/* import a from './no.js' */",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JS source text as data
  't = `import("./no.js") ${ {a: 1}.a } ${`nested ${b}`}`;',
  "x = {import: './no.js'}.import;",
  "u = import.meta.url;",
  "obj.import('./no.js');",
  "import('./' + no);",
  "export {a};",
  "i++ / 2;",
  "function f() { return /'/.test(s) }",
  "x = {a: 1} / 2;",
);

const cssName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/).map((n) => `img/${n}.png`);

const cssReference = fc.oneof(
  cssName.map((s) => ({ code: `a{b:url(${s})}`, spec: s })),
  cssName.map((s) => ({ code: `a{b:URL( "${s}" )}`, spec: s })),
  cssName.map((s) => ({ code: `@import '${s}' screen;`, spec: s })),
  cssName.map((s) => ({ code: `@import url(${s})\n  layer(x);`, spec: s })),
  cssName.map((s) => ({ code: `a{b:image-set("${s}" 1x)}`, spec: s })),
);

const cssDecoy = fc.constantFrom(
  "/* url(no.png) @import 'no.css'; */",
  'a:after{content:"url(no.png)"}',
  "a{b:myurl(no.png)}",
  '@charset "UTF-8";',
  "a{font-family:'no.woff'}",
  "a{b:url()}",
);

function check(
  scan: (text: string) => { start: number; end: number }[],
  reference: fc.Arbitrary<{ code: string; spec: string }>,
  decoy: fc.Arbitrary<string>,
) {
  const piece = fc.oneof(
    reference,
    decoy.map((code) => ({ code, spec: null })),
  );
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 30 }),
      fc.constantFrom("\n", "\r\n", " "),
      (pieces, gap) => {
        const source = pieces.map((p) => p.code).join(gap);
        const found = scan(source).map((ref) => source.slice(ref.start, ref.end));
        expect(found).toEqual(pieces.flatMap((p) => (p.spec === null ? [] : [p.spec])));
      },
    ),
    { numRuns: 300 },
  );
}

describe("scanners on generated files", () => {
  it("find exactly the real JS module references among look-alikes", () => {
    check(scanJs, jsReference, jsDecoy);
  });

  it("find exactly the real CSS references among look-alikes", () => {
    check(scanCss, cssReference, cssDecoy);
  });

  it("terminate on any input with ordered references inside the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 300 }), (text) => {
        for (const scan of [scanCss, scanJs]) {
          let last = 0;
          for (const ref of scan(text)) {
            expect(ref.start).toBeGreaterThanOrEqual(last);
            expect(ref.end).toBeGreaterThanOrEqual(ref.start);
            expect(ref.end).toBeLessThanOrEqual(text.length);
            last = ref.end;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
