import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, expect, test } from "vitest";

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), "stowage-upload-types-"));
  // The declarations `npm run build` would publish for stowage/uploads.
  const program = ts.createProgram([path.resolve("src/uploads/index.ts")], {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: out,
    rootDir: path.resolve("src"),
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    types: ["node"],
  });
  const emitted = program.emit();
  expect(emitted.emitSkipped).toBe(false);
}, 120_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function declarations(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".d.ts")) {
      files.push(path.join(entry.parentPath, entry.name));
    }
  }
  return files;
}

/** Type-check one consumer file against the emitted declarations; returns the error messages. */
function check(file: string, types: string[]): string[] {
  const program = ts.createProgram([file], {
    noEmit: true,
    strict: true,
    skipLibCheck: false,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types,
    typeRoots: [path.resolve("node_modules/@types")],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

test("the published declarations of stowage/uploads import no framework types", async () => {
  const files = await declarations(path.join(out, "uploads"));
  expect(files.length).toBeGreaterThan(10);
  for (const file of files) {
    const text = await readFile(file, "utf8");
    expect(text, file).not.toMatch(
      /from ["'](?:express|express-serve-static-core|fastify|hono)["']/,
    );
  }
});

test("req.uploads is typed on Express's Request, and needs no @types/express to compile", async () => {
  const withExpress = path.join(out, "with-express.mts");
  await writeFile(
    withExpress,
    `import type { Request } from "express";
import type { UploadResult } from "./uploads/index.js";
declare const req: Request;
const uploads: UploadResult | undefined = req.uploads;
export const name: string | undefined = uploads?.file("photo")?.filename;
`,
  );
  expect(check(withExpress, ["node", "express"])).toEqual([]);

  const withoutExpress = path.join(out, "without-express.mts");
  await writeFile(
    withoutExpress,
    `import { uploadMiddleware } from "./uploads/index.js";
export const middleware = uploadMiddleware({ maxFileSize: 1 });
`,
  );
  expect(check(withoutExpress, ["node"])).toEqual([]);
}, 120_000);
