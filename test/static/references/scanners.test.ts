import { describe, expect, it } from "vitest";
import { scanCss, scanJs } from "../../../src/static/references/index.js";
import { cssCases, type ScanCase } from "./css-cases.js";
import { jsCases } from "./js-cases.js";

function found(scan: typeof scanCss, source: string): [string, string][] {
  return scan(source).map((ref) => [ref.kind, source.slice(ref.start, ref.end)]);
}

function table(title: string, scan: typeof scanCss, cases: ScanCase[]) {
  describe(title, () => {
    it.each(cases)("$name", ({ source, refs }) => {
      expect(found(scan, source)).toEqual(refs);
    });
  });
}

table("scanCss finds", scanCss, cssCases);
table("scanJs finds", scanJs, jsCases);

describe("scanners on hostile input", () => {
  it("reports syntaxes so references decode with the right escapes", () => {
    expect(scanCss("a{b:url(x)}")[0].syntax).toBe("css");
    expect(scanJs('import "./x"')[0].syntax).toBe("js");
    expect(scanJs("//# sourceMappingURL=x")[0].syntax).toBe("none");
  });

  it("survives unbalanced braces, parens and templates", () => {
    expect(found(scanJs, "}}})))]]] import './x.js'")).toEqual([["import", "./x.js"]]);
    expect(found(scanJs, "`${`${")).toEqual([]);
    expect(found(scanCss, ")))}}}a{b:url(x.png)}")).toEqual([["url", "x.png"]]);
  });

  it("scans a long chain of nested templates without recursion", () => {
    const depth = 50_000;
    const source = "`${".repeat(depth) + 'import("./x.js")' + "}`".repeat(depth);
    expect(found(scanJs, source)).toEqual([["import", "./x.js"]]);
  });
});
