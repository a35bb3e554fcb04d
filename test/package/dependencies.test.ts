import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * package.json against what src/ really loads: a runtime dependency nothing
 * imports is weight every user installs, and an import of a package that is
 * not declared (tsx, a test tool) breaks the published package.
 */

const SRC = path.resolve("src");
const manifest = JSON.parse(readFileSync("package.json", "utf8")) as Record<
  string,
  Record<string, string> | undefined
>;
const dependencies = Object.keys(manifest.dependencies ?? {});
const optional = Object.keys(manifest.optionalDependencies ?? {});
const peers = Object.keys(manifest.peerDependencies ?? {});

const sources = readdirSync(SRC, { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".ts"))
  .map((name) => readFileSync(path.join(SRC, name), "utf8"));
const allSource = sources.join("\n");

/** `@aws-sdk/client-s3/dist/x` -> `@aws-sdk/client-s3`; `sharp` -> `sharp`. */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** Bare package names the sources import, statically or with a literal import(). */
function importedPackages(): Set<string> {
  const found = new Set<string>();
  for (const text of sources) {
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (fileName.startsWith(".") || fileName.startsWith("node:")) continue;
      if (builtinModules.includes(fileName)) continue;
      found.add(packageOf(fileName));
    }
  }
  return found;
}

describe("package.json", () => {
  it("declares every package src/ imports", () => {
    const declared = new Set([...dependencies, ...optional, ...peers]);
    expect([...importedPackages()].filter((name) => !declared.has(name))).toEqual([]);
  });

  it("installs no runtime dependency that src/ does not import", () => {
    const imported = importedPackages();
    expect(dependencies.filter((name) => !imported.has(name))).toEqual([]);
  });

  it("names every optional peer somewhere in src/ (a driver, database or tus table)", () => {
    expect(peers.filter((name) => !allSource.includes(`"${name}"`))).toEqual([]);
  });

  it("keeps sharp a hard dependency, and busboy and tsx out of the runtime", () => {
    expect(dependencies).toContain("sharp");
    expect(peers).not.toContain("sharp");
    for (const name of ["busboy", "tsx"]) {
      expect(dependencies).not.toContain(name);
      expect(importedPackages().has(name)).toBe(false);
    }
  });
});
