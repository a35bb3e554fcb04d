import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
};

/** dist/x/y.js -> src/x/y.ts: the source each published file is built from. */
const sourceOf = (distFile: string) =>
  distFile.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts");

const subpaths = Object.entries(pkg.exports).filter(([key]) => key !== "./package.json");

describe("package exports", () => {
  it.each(subpaths)("%s is built from a source file that exists", (_, target) => {
    const file = typeof target === "string" ? target : target.default;
    expect(existsSync(sourceOf(file))).toBe(true);
  });

  it("the bin is built from the CLI", () => {
    expect(existsSync(sourceOf(pkg.bin.stowage))).toBe(true);
  });

  it("exports the same names as before (an API change shows here in review)", async () => {
    const names: Record<string, string[]> = {};
    for (const [key, target] of subpaths) {
      const file = typeof target === "string" ? target : target.default;
      const mod = (await import(path.resolve(sourceOf(file)))) as Record<string, unknown>;
      names[key] = Object.keys(mod).sort();
    }
    expect(names).toMatchSnapshot();
  });
});
