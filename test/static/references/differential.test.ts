import { init, parse } from "es-module-lexer";
import fc from "fast-check";
import postcss from "postcss";
import valueParser from "postcss-value-parser";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { cssUnescape, jsUnescape, scanCss, scanJs } from "../../../src/static/references/index.js";
import { stylesheet } from "./generated-css.js";
import { jsModule } from "./generated-js.js";

/*
 * The hand-written scanners against the well-kept libraries, on generated
 * inputs. The scanners are kept for speed (one pass, no tree, latin1 offsets
 * that are byte offsets); these tests hold them to the libraries' answers.
 */

beforeAll(async () => {
  await init;
});

/** Whether `source` is a syntactically valid module, by TypeScript's full parser. */
function isValidModule(source: string): boolean {
  const { diagnostics } = ts.transpileModule(source, {
    fileName: "generated.mjs",
    reportDiagnostics: true,
    compilerOptions: {
      allowJs: true,
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ESNext,
    },
  });
  return (diagnostics ?? []).length === 0;
}

/**
 * Module references by es-module-lexer: [text as written, decoded]; `null`
 * when the lexer gives up on a module that is valid (it is a lexer too, and
 * has its own blind spots). A generated module that is not valid is a bug in
 * the generator and fails the test.
 */
function lexerReferences(source: string): [string, string][] | null {
  let imports: ReturnType<typeof parse>[0];
  try {
    [imports] = parse(source);
  } catch {
    if (!isValidModule(source)) throw new Error(`The generator made invalid JS: ${source}`);
    return null;
  }
  return imports.flatMap((found): [string, string][] => {
    if (found.type === "static" || found.type === "reexport-star") {
      return [[source.slice(found.start, found.end), found.specifier]];
    }
    if (found.type === "dynamic" && found.specifier !== undefined && !found.glob) {
      // A dynamic import's range includes the quotes; only a lone string literal is a reference.
      const raw = source.slice(found.start, found.end);
      if (/^(["'])[\s\S]*\1$/.test(raw)) return [[raw.slice(1, -1), found.specifier]];
    }
    return [];
  });
}

function scannerReferences(source: string): [string, string][] {
  return scanJs(source)
    .filter((ref) => ref.kind === "import")
    .map((ref) => {
      const raw = source.slice(ref.start, ref.end);
      return [raw, jsUnescape(raw)];
    });
}

describe("scanJs against es-module-lexer", () => {
  it("finds the same module references, as written and decoded, in generated modules", () => {
    const runs = 1000;
    let lexerGaveUp = 0;
    fc.assert(
      fc.property(jsModule, (source) => {
        const expected = lexerReferences(source);
        if (expected === null) lexerGaveUp++;
        else expect(scannerReferences(source)).toEqual(expected);
      }),
      { numRuns: runs },
    );
    // A handful of valid modules the lexer cannot read; most are compared.
    expect(lexerGaveUp).toBeLessThan(runs * 0.03);
  });
});

/** The URLs a CSS value holds, by postcss-value-parser: `url()` arguments and strings directly inside `image-set()`. */
function valueReferences(value: string, out: string[]): void {
  const found: [number, string][] = [];
  valueParser(value).walk((node) => {
    if (node.type !== "function") return;
    const name = node.value.toLowerCase();
    if (name === "url") {
      const [argument] = node.nodes;
      if (argument && (argument.type === "string" || argument.type === "word")) {
        found.push([argument.sourceIndex, argument.value]);
      }
      return false;
    }
    if (name === "image-set" || name === "-webkit-image-set") {
      for (const child of node.nodes) {
        if (child.type === "string") found.push([child.sourceIndex, child.value]);
      }
    }
  });
  out.push(...found.sort((a, b) => a[0] - b[0]).map(([, text]) => text));
}

/** Every URL a stylesheet references, by postcss: declarations, at-rule preludes, `@import "..."`. */
function postcssReferences(css: string): string[] {
  const out: string[] = [];
  postcss.parse(css).walk((node) => {
    if (node.type === "decl") valueReferences(node.value, out);
    if (node.type !== "atrule") return;
    const [first] = valueParser(node.params).nodes;
    if (node.name.toLowerCase() === "import" && first?.type === "string") out.push(first.value);
    valueReferences(node.params, out);
  });
  return out;
}

describe("scanCss against postcss and postcss-value-parser", () => {
  it("finds the same url() and @import references in generated stylesheets", () => {
    fc.assert(
      fc.property(stylesheet, (css) => {
        // Compared decoded: the space after a hex escape (`\\41 `) belongs to the
        // escape, which the parser trims off the text it reports.
        const found = scanCss(css)
          .filter((ref) => ref.kind === "url")
          .map((ref) => cssUnescape(css.slice(ref.start, ref.end)));
        expect(found).toEqual(postcssReferences(css).map(cssUnescape));
      }),
      { numRuns: 1000 },
    );
  });
});
