import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { clientAssetDir } from "../../src/uploads/index.js";

describe("the browser module as a static asset", () => {
  it("clientAssetDir() is the folder the client module is built into, beside the library", () => {
    // From src/ it is src/client; from dist/ (the package) dist/client: the same relative place.
    expect(clientAssetDir()).toBe(path.resolve("src/client"));
    expect(existsSync(path.join(clientAssetDir(), "index.ts"))).toBe(true);
  });

  it("imports only its own files, so a page can load it without a bundler", () => {
    for (const file of ["index.ts", "tus.ts", "transport.ts"]) {
      const info = ts.preProcessFile(
        readFileSync(path.join(clientAssetDir(), file), "utf8"),
        true,
        true,
      );
      for (const imported of info.importedFiles)
        expect(imported.fileName).toMatch(/^\.\/[\w-]+\.js$/);
    }
  });
});
