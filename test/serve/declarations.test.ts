import path from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";

/**
 * The published `.d.ts` of `stowage/serve` must type-check in an app that
 * has no Fastify installed (it is not a dependency of ours): no declaration
 * of it may import from `fastify` or `fastify-plugin`.
 */
it("emits declarations for stowage/serve that import nothing from fastify", () => {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.resolve("tsconfig.build.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!;
  const program = ts.createProgram([path.resolve("src/serve/index.ts")], {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    incremental: false,
    tsBuildInfoFile: undefined,
  });
  const specifiers = new Map<string, string[]>();
  const serve = path.resolve("src/serve") + path.sep;
  for (const source of program.getSourceFiles()) {
    if (!source.fileName.startsWith(serve)) continue;
    program.emit(source, (file, text) => {
      for (const match of text.matchAll(/(?:from\s+|import\()["']([^"']+)["']/g)) {
        const list = specifiers.get(match[1]!) ?? [];
        list.push(path.relative(process.cwd(), file));
        specifiers.set(match[1]!, list);
      }
    });
  }
  expect(specifiers.size).toBeGreaterThan(0);
  const fromFastify = [...specifiers].filter(([specifier]) =>
    /^fastify(-plugin)?(\/|$)/.test(specifier),
  );
  expect(fromFastify).toEqual([]);
}, 120_000);
