/** The collected root every server in the benchmark serves. */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const HASHED_CSS = "css/app.3f2a9c1b7d4e.css";
export const FONT = "fonts/inter.woff2";

/** A collected root: a ~25 KB hashed CSS with .br/.gz, and a ~100 KB font without variants. */
export function buildRoot(dir: string): void {
  const rules: string[] = [];
  for (let i = 0; rules.join("").length < 25_000; i++) {
    rules.push(
      `.c-${i} { margin: ${i % 17}px ${i % 5}rem; color: #${((i * 2654435761) >>> 8).toString(16).padStart(6, "0").slice(0, 6)}; }\n`,
    );
  }
  const css = Buffer.from(rules.join(""));
  mkdirSync(path.join(dir, "css"), { recursive: true });
  mkdirSync(path.join(dir, "fonts"), { recursive: true });
  writeFileSync(path.join(dir, HASHED_CSS), css);
  writeFileSync(
    path.join(dir, `${HASHED_CSS}.br`),
    brotliCompressSync(css, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
  writeFileSync(path.join(dir, `${HASHED_CSS}.gz`), gzipSync(css, { level: 9 }));
  writeFileSync(path.join(dir, "css/app.css"), css);
  // woff2 is already compressed: random bytes stand in for it.
  writeFileSync(path.join(dir, FONT), randomBytes(100 * 1024));
  writeFileSync(
    path.join(dir, "staticfiles.json"),
    JSON.stringify({
      paths: { "css/app.css": HASHED_CSS, [FONT]: FONT },
      version: "1.1",
      hash: "bench",
    }),
  );
}
