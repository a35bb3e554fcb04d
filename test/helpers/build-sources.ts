import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Where the test suite keeps plain-JS builds of parts of `src/` that must run
 * outside vitest: worker threads and child processes. Inside `node_modules`,
 * so the built files resolve the repo's packages.
 */
export const BUILT_DIR = path.join(repo, "node_modules/.cache/stowage-test");

/** The built counterpart of a source file, e.g. `src/static/collect/index.ts` -> `.../src/static/collect/index.js`. */
export function builtPath(source: string): string {
  return path.join(BUILT_DIR, source.replace(/\.ts$/, ".js"));
}

/**
 * Transpile `entries` (paths relative to the repo) and every local module they
 * import into {@link BUILT_DIR}, file for file, with TypeScript's own emitter:
 * the same JavaScript `npm run build` writes, without type checking the
 * whole project (a second, not fifteen).
 */
export async function buildSources(entries: string[]): Promise<void> {
  await mkdir(BUILT_DIR, { recursive: true });
  await writeFile(path.join(BUILT_DIR, "package.json"), '{ "type": "module" }\n');
  const seen = new Set<string>();
  const queue = entries.map((entry) => path.join(repo, entry));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, "utf8");
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (fileName.startsWith(".")) {
        queue.push(path.resolve(path.dirname(file), fileName).replace(/\.js$/, ".ts"));
      }
    }
    const { outputText } = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const out = builtPath(path.relative(repo, file));
    await mkdir(path.dirname(out), { recursive: true });
    // Through a rename, so a process reading the build never sees half a file.
    const temp = `${out}.${process.pid}.tmp`;
    await writeFile(temp, outputText);
    await rename(temp, out);
  }
}
