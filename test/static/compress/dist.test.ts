import { execFile } from "node:child_process";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

/**
 * The worker is found beside the compiled module as worker.js. This builds
 * the compress folder the way `npm run build` does (same compiler options,
 * plain .js output) and runs it with plain node: no tsx, no vitest.
 */
describe("compiled output", () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), "stowage-compress-dist-"));
    await run(process.execPath, [
      tsc,
      ...["--outDir", outDir, "--rootDir", join(repo, "src")],
      ...["--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022"],
      ...["--types", "node", "--skipLibCheck", "--strict", "--verbatimModuleSyntax"],
      join(repo, "src/static/compress/index.ts"),
    ]);
    await writeFile(join(outDir, "package.json"), JSON.stringify({ type: "module" }));
    // Lets the built code resolve the optional zstd package as an installed copy would.
    await symlink(join(repo, "node_modules"), join(outDir, "node_modules"), "dir");
  }, 120_000);
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("compresses on worker threads when imported from the built .js files", async () => {
    const script = `
      import { createCompressor } from ${JSON.stringify(join(outDir, "static/compress/index.js"))};
      import zlib from "node:zlib";
      const content = new TextEncoder().encode("body { color: red; margin: 0 }\\n".repeat(200));
      const compressor = createCompressor({ formats: ["br", "gzip"], workers: 2 });
      const [outcome] = await compressor.compress([{ id: "a", path: "a.css", content }]);
      const threads = compressor.threadCount;
      await compressor.close();
      const ok = zlib.brotliDecompressSync(outcome.variants.br).equals(Buffer.from(content));
      console.log(JSON.stringify({ ok, threads, after: compressor.threadCount }));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: outDir,
    });
    expect(JSON.parse(stdout)).toEqual({ ok: true, threads: 1, after: 0 });
  });
});
