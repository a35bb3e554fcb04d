/**
 * The package as a user installs it: the tarball of `npm pack`, in an app
 * with only express, typescript, @types/express and @types/node (see
 * setup.ts). Each public subpath must type-check with `skipLibCheck: false`
 * and a Node `lib` (no DOM), and import with plain node; the bin must run.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const run = promisify(execFile);
const app = inject("packedApp");

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
  exports: Record<string, unknown>;
};
/** "." -> "stowage", "./serve" -> "stowage/serve". */
const subpaths = Object.keys(pkg.exports)
  .filter((key) => key !== "./package.json")
  .map((key) => (key === "." ? "stowage" : `stowage/${key.slice(2)}`));

/**
 * Type errors known today, by subpath, each a pattern of the diagnostic
 * text (none: every subpath checks clean). Remove an entry once its subpath
 * checks clean: an entry nothing matches is printed as stale. Any error not
 * listed here fails.
 */
const KNOWN_TYPE_ERRORS: Record<string, RegExp[]> = {};

/** What a Node app's tsconfig says, at its strictest about libraries. */
const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2023.d.ts"],
  types: ["node"],
  strict: true,
  skipLibCheck: false,
  noEmit: true,
};

const work = path.join(app, "consumer");
const entryOf = (subpath: string) => path.join(work, `${subpath.replaceAll("/", "__")}.ts`);
const consumerFile = path.join(work, "consumer.ts");

function format(diagnostic: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file) return text;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  return `${path.relative(app, diagnostic.file.fileName)}:${line + 1}: ${text}`;
}

/**
 * Type errors of the file that imports every subpath, one checker for the
 * whole program, attributed to each subpath by the files its import alone
 * brings in (a program per subpath, built but never checked).
 */
function typeErrorsBySubpath(): Map<string, string[]> {
  const program = ts.createProgram({ rootNames: [consumerFile], options: COMPILER_OPTIONS });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  const byFile = new Map<string, ts.Diagnostic[]>();
  for (const file of program.getSourceFiles()) {
    byFile.set(file.fileName, [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]);
  }
  const out = new Map<string, string[]>();
  for (const subpath of subpaths) {
    const reach = ts.createProgram({
      rootNames: [entryOf(subpath)],
      options: COMPILER_OPTIONS,
      oldProgram: program,
    });
    const diagnostics = [...global];
    for (const file of reach.getSourceFiles())
      diagnostics.push(...(byFile.get(file.fileName) ?? []));
    out.set(subpath, diagnostics.map(format));
  }
  return out;
}

let errorsBySubpath: Map<string, string[]>;

beforeAll(async () => {
  await mkdir(work, { recursive: true });
  await writeFile(path.join(work, "package.json"), '{ "type": "module" }\n');
  const imports = subpaths.map((subpath, index) => `import * as api${index} from "${subpath}";`);
  await writeFile(
    consumerFile,
    [
      'import express from "express";',
      ...imports,
      "",
      "export const app = express();",
      `export const apis = [${subpaths.map((_, index) => `api${index}`).join(", ")}];`,
      "",
    ].join("\n"),
  );
  for (const subpath of subpaths) {
    await writeFile(entryOf(subpath), `import * as api from "${subpath}";\nexport { api };\n`);
  }
  errorsBySubpath = typeErrorsBySubpath();
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("the packed package in an app with only express and typescript", () => {
  it("lists every public subpath", () => {
    expect(subpaths).toContain("stowage");
    expect(subpaths).toContain("stowage/serve");
    expect(subpaths.length).toBeGreaterThanOrEqual(10);
  });

  it.each(subpaths)("%s type-checks with skipLibCheck: false", (subpath) => {
    const known = KNOWN_TYPE_ERRORS[subpath] ?? [];
    const errors = errorsBySubpath.get(subpath) ?? [];
    const stale = known.filter((pattern) => !errors.some((error) => pattern.test(error)));
    if (stale.length > 0) {
      console.warn(
        `${subpath}: known type errors no longer seen, remove them: ${stale.join(", ")}`,
      );
    }
    expect(errors.filter((error) => !known.some((pattern) => pattern.test(error)))).toEqual([]);
  });

  it("imports every public subpath with node", async () => {
    const script = [
      "const failed = {};",
      `for (const name of ${JSON.stringify(subpaths)}) {`,
      "  try { await import(name); } catch (error) { failed[name] = String(error); }",
      "}",
      "console.log(JSON.stringify(failed));",
    ].join("\n");
    await writeFile(path.join(work, "import-all.mjs"), script);
    const { stdout } = await run(process.execPath, ["import-all.mjs"], { cwd: work });
    expect(JSON.parse(stdout)).toEqual({});
  });

  it("runs the stowage bin", async () => {
    const bin = path.join(app, "node_modules/.bin/stowage");
    const { stdout } = await run(bin, ["--help"], { cwd: work });
    expect(stdout).toMatch(/^Usage: stowage <command>/);
  });

  it("check names the cloud SDKs the app lacks, in a real install without them", async () => {
    await writeFile(
      path.join(work, "stowage.config.json"),
      JSON.stringify({ media: { storage: "s3://media/uploads" } }),
    );
    const bin = path.join(app, "node_modules/.bin/stowage");
    const failure = await run(bin, ["check"], { cwd: work }).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout).toContain(
      "Install with: npm install @aws-sdk/client-s3 @aws-sdk/lib-storage @aws-sdk/s3-request-presigner",
    );
  });
});
