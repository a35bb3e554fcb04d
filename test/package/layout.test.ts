/**
 * The dependency rules of the README's "Layout" section, enforced: every
 * import of every file under src/ (static, type-only, re-exports and dynamic
 * `import()`) must follow an edge of ALLOWED, and examples/ may use only the
 * package's public exports. Drift fails here instead of in review.
 *
 * To change a rule, change ALLOWED and the README together.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/** errors.ts, option-keys.ts and config/ are the shared base every part may use. */
const SHARED = ["errors.ts", "option-keys.ts", "config"];

/**
 * Part of src/ (its first path segment) -> the other parts it may import.
 * An entry naming a file (`images/probe.ts`) allows that file only.
 */
const ALLOWED: Record<string, readonly string[]> = {
  "errors.ts": [],
  "option-keys.ts": ["errors.ts"],
  // Upload options and image limits in a config file are checked by those modules' own rules.
  config: ["errors.ts", "option-keys.ts", "uploads/options-check.ts", "images/limits.ts"],
  static: SHARED,
  storage: SHARED,
  images: [...SHARED, "storage"],
  // The upload validators read image dimensions through the images module's header probe.
  uploads: [...SHARED, "storage", "images/probe.ts"],
  // A variant is told from its original by the images module's naming.
  media: [...SHARED, "storage", "images"],
  serve: [...SHARED, "static", "storage", "images"],
  deploy: [...SHARED, "static", "storage", "serve"],
  testing: [...SHARED, "storage", "uploads", "images"],
  // The browser module runs in a page: it may import nothing of the server side.
  client: [],
  cli: [...SHARED, "static", "storage", "uploads", "images", "media", "serve", "deploy"],
  "index.ts": [...SHARED, "static"],
};

const SRC = path.resolve("src");

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => pattern.test(name))
    .map((name) => path.join(dir, name))
    .sort();
}

/** Every module specifier a file imports, as TypeScript's own pre-parser finds them. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles.map((entry) => entry.fileName);
}

/** `src/storage/drivers/s3.ts` -> `storage`; `src/errors.ts` -> `errors.ts`. */
function partOf(relative: string): string {
  return relative.split("/")[0];
}

function allowed(from: string, targetRelative: string): boolean {
  const target = partOf(targetRelative);
  if (target === from) return true;
  return (ALLOWED[from] ?? []).some(
    (entry) => entry === target || entry === targetRelative.replace(/\.js$/, ".ts"),
  );
}

/** Every import under src/ that breaks the table, as "from -> to" lines. */
function violations(): string[] {
  const out: string[] = [];
  for (const file of filesUnder(SRC, /\.ts$/)) {
    const relative = path.relative(SRC, file).split(path.sep).join("/");
    const from = partOf(relative);
    if (!(from in ALLOWED)) {
      out.push(`${relative}: src/${from} has no row in the table of allowed imports`);
      continue;
    }
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith(".")) continue;
      const target = path.relative(SRC, path.resolve(path.dirname(file), specifier));
      const targetRelative = target.split(path.sep).join("/");
      if (targetRelative.startsWith("../")) {
        out.push(`${relative} imports ${specifier}, outside src/`);
      } else if (!allowed(from, targetRelative)) {
        out.push(`${relative} imports ${specifier}: ${from} may not use ${partOf(targetRelative)}`);
      }
    }
  }
  return out;
}

describe("layout", () => {
  it("the README's table of rules says what this table says", () => {
    const readme = readFileSync("README.md", "utf8");
    const start = readme.indexOf("<!-- layout rules -->");
    expect(start, "the README's table of dependency rules").toBeGreaterThan(0);
    const documented: Record<string, string[]> = {};
    for (const line of readme.slice(start).split("\n").slice(3)) {
      if (!line.startsWith("|")) break;
      const [, part, may] = line.split("|").map((cell) => cell.trim());
      documented[part.replaceAll("`", "")] = may.split(/,(?![^(]*\))/).flatMap((item) => {
        if (item.trim() === "the shared base") return SHARED;
        const name = /`([^`]+)`/.exec(item)?.[1];
        return name ? [name.replace(/\/$/, "")] : [];
      });
    }
    const sorted = (table: Record<string, readonly string[]>) =>
      Object.fromEntries(Object.entries(table).map(([part, may]) => [part, [...may].sort()]));
    expect(sorted(documented)).toEqual(sorted(ALLOWED));
  });

  it("every import under src/ follows the dependency rules", () => {
    expect(violations()).toEqual([]);
  });

  it("the rules table covers every part of src/", () => {
    const parts = readdirSync(SRC).filter((name) => !name.endsWith(".d.ts"));
    expect(parts.filter((part) => !(part in ALLOWED))).toEqual([]);
  });

  it("nothing may import cli/ or leave src/", () => {
    for (const [from, targets] of Object.entries(ALLOWED)) {
      if (from === "cli") continue;
      expect(
        targets.some((target) => partOf(target) === "cli"),
        from,
      ).toBe(false);
    }
  });

  it("examples use only the package's public exports", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
      exports: Record<string, unknown>;
    };
    const publicNames = new Set(
      Object.keys(pkg.exports).map((key) => (key === "." ? "stowage" : `stowage/${key.slice(2)}`)),
    );
    const bad: string[] = [];
    const examples = path.resolve("examples");
    for (const file of filesUnder(examples, /\.(?:[cm]?js|ts)$/)) {
      if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
      for (const specifier of importsOf(file)) {
        const relative = path.relative(examples, file);
        if (specifier.startsWith(".")) {
          const target = path.relative(examples, path.resolve(path.dirname(file), specifier));
          if (target.startsWith("..")) bad.push(`${relative} imports ${specifier}`);
        } else if (specifier.startsWith("stowage") && !publicNames.has(specifier)) {
          bad.push(`${relative} imports ${specifier}, not a public export`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

/** Comment text of a TypeScript file, as the scanner sees it (strings and code excluded). */
function commentsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard);
  scanner.setText(text);
  const comments: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (
      kind === ts.SyntaxKind.SingleLineCommentTrivia ||
      kind === ts.SyntaxKind.MultiLineCommentTrivia
    ) {
      comments.push(scanner.getTokenText());
    }
  }
  return comments;
}

/**
 * What a comment in src/ must not cite: documents outside the repository,
 * how the work was divided, and links other than example addresses.
 */
const CITATIONS: [RegExp, string][] = [
  [/\b(?:DESIGN|RECIPES|STYLE|BRIEF|MEDIA-API)\.md\b/, "a document outside the repository"],
  [/\.\.\/(?:\.\.\/)*shared\b|\/work\//, "a path outside the repository"],
  [/\bengineers?\b|\bthe lead\b/i, "how the work was divided"],
  [
    /https?:\/\/(?!(?:[\w-]+\.)*example(?:\.[a-z]+)?[/:`"]|host[/:]|127\.0\.0\.1|localhost)/,
    "a link (only example addresses belong in comments)",
  ],
];

describe("comments in src/", () => {
  it("cite nothing outside the repository", () => {
    const found: string[] = [];
    for (const file of filesUnder(SRC, /\.ts$/)) {
      for (const comment of commentsOf(file)) {
        for (const [pattern, what] of CITATIONS) {
          const match = pattern.exec(comment);
          if (match) found.push(`${path.relative(".", file)}: ${what}: "${match[0]}"`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
