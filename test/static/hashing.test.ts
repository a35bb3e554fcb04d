import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { StowageError } from "../../src/errors.js";
import {
  type HashedFile,
  hashedName,
  hashFiles,
  MissingReferenceError,
} from "../../src/static/hashing.js";
import { missingCases, rewriteCases, TREE } from "./hashing-cases.js";

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const text = (file: HashedFile) => Buffer.from(file.content).toString("utf8");
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex").slice(0, 12);

function tree(extra: Record<string, string | Uint8Array> = {}): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries({ ...TREE, ...extra })) {
    files.set(path, typeof content === "string" ? utf8(content) : content);
  }
  return files;
}

function hash(files: Map<string, Uint8Array>, staticUrl = "/static/") {
  return hashFiles({ files, staticUrl });
}

/** Replace `<<path>>` with the hash the result gave that path. */
function fill(expected: string, result: Map<string, HashedFile>): string {
  return expected.replace(/<<([^>]+)>>/g, (_, path: string) => result.get(path)!.hash);
}

describe("hashFiles rewrites", () => {
  it.each(rewriteCases)("$name", ({ file, source, expected }) => {
    const files = tree({ [file]: source });
    const result = hash(files);
    const hashed = result.get(file)!;
    expect(text(hashed)).toBe(fill(expected, result));
    expect(hashed.hash).toBe(sha(hashed.content));
    expect(hashed.hashedPath).toBe(hashedName(file, hashed.hash));
    if (expected === source) {
      expect(hashed.content).toBe(files.get(file));
      expect(hashed.rewritten).toBe(false);
    } else {
      expect(hashed.rewritten).toBe(true);
    }
  });
});

describe("hashFiles names", () => {
  it("hashes every file that has no references by its bytes, returning the same bytes", () => {
    const files = tree();
    const result = hash(files);
    expect([...result.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [path, bytes] of files) {
      const hashed = result.get(path)!;
      expect(hashed).toEqual({
        path,
        hash: sha(bytes),
        hashedPath: hashedName(path, sha(bytes)),
        content: bytes,
        rewritten: false,
      });
      expect(hashed.content).toBe(bytes);
    }
  });

  it("spells hashed names as Django does", () => {
    const result = hash(tree({ "a.tar.gz": "tgz", LICENSE: "mit" }));
    expect(result.get("a.tar.gz")!.hashedPath).toMatch(/^a\.tar\.[0-9a-f]{12}\.gz$/);
    expect(result.get("LICENSE")!.hashedPath).toMatch(/^LICENSE\.[0-9a-f]{12}$/);
    expect(result.get("css/a.css")!.hashedPath).toMatch(/^css\/a\.[0-9a-f]{12}\.css$/);
  });

  it("renames every file above a changed leaf, and only those", () => {
    const chain = {
      "js/top.js": 'import "./mid.js";',
      "js/mid.js": 'import "./leaf.js";',
      "js/leaf.js": "export const v = 1;",
      "js/other.js": 'import "./x.js";',
    };
    const before = hash(tree(chain));
    const afterLeaf = hash(tree({ ...chain, "js/leaf.js": "export const v = 2;" }));
    for (const path of ["js/top.js", "js/mid.js", "js/leaf.js"]) {
      expect(afterLeaf.get(path)!.hashedPath).not.toBe(before.get(path)!.hashedPath);
    }
    expect(afterLeaf.get("js/other.js")!.hashedPath).toBe(before.get("js/other.js")!.hashedPath);
    expect(text(afterLeaf.get("js/top.js")!)).toBe(
      `import "./mid.${afterLeaf.get("js/mid.js")!.hash}.js";`,
    );

    const afterTop = hash(tree({ ...chain, "js/top.js": 'import "./mid.js"; // v2' }));
    expect(afterTop.get("js/top.js")!.hash).not.toBe(before.get("js/top.js")!.hash);
    expect(afterTop.get("js/mid.js")!.hash).toBe(before.get("js/mid.js")!.hash);
  });

  it("gives a two-file cycle one shared hash and points each at the other", () => {
    const result = hash(
      tree({ "css/c1.css": "@import 'c2.css';", "css/c2.css": "a{b:url(c1.css#x)}" }),
    );
    const c1 = result.get("css/c1.css")!;
    const c2 = result.get("css/c2.css")!;
    expect(c1.hash).toBe(c2.hash);
    expect(c1.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(text(c1)).toBe(`@import 'c2.${c1.hash}.css';`);
    expect(text(c2)).toBe(`a{b:url(c1.${c1.hash}.css#x)}`);
    expect(c1.rewritten && c2.rewritten).toBe(true);
  });

  it("changes a cycle's shared hash when a file below any member changes, and only then", () => {
    const cycle = {
      "js/p.js": 'import "./q.js"; import "./x.js";',
      "js/q.js": 'import "./r.js";',
      "js/r.js": 'import "./p.js";',
      "js/user.js": 'import "./q.js";',
    };
    const before = hash(tree(cycle));
    const hashes = ["js/p.js", "js/q.js", "js/r.js"].map((path) => before.get(path)!.hash);
    expect(new Set(hashes).size).toBe(1);
    expect(text(before.get("js/r.js")!)).toBe(`import "./p.${hashes[0]}.js";`);
    expect(text(before.get("js/user.js")!)).toBe(`import "./q.${hashes[0]}.js";`);

    expect(hash(tree(cycle)).get("js/q.js")!.hash).toBe(hashes[0]);
    const after = hash(tree({ ...cycle, "js/x.js": "export const a = 42;" }));
    for (const path of ["js/p.js", "js/q.js", "js/r.js", "js/user.js"]) {
      expect(after.get(path)!.hash).not.toBe(before.get(path)!.hash);
    }
  });

  it("hashes a file that imports itself", () => {
    const result = hash(tree({ "js/self.js": 'import("./self.js");' }));
    const self = result.get("js/self.js")!;
    expect(text(self)).toBe(`import("./self.${self.hash}.js");`);
  });

  it("does not depend on the order files are given in", () => {
    const extra = { "css/app.css": "@import 'a.css';", "js/app.js": 'import "./x.js";' };
    const forward = hash(tree(extra));
    const backward = hash(new Map([...tree(extra)].reverse()));
    for (const [path, file] of forward)
      expect(backward.get(path)!.hashedPath).toBe(file.hashedPath);
  });

  it("rewrites full URLs and path-absolute references under an absolute static.url", () => {
    const source =
      "a{b:url(https://cdn.example.com/static/img/x.png);c:url(/static/img/x.png);d:url(https://elsewhere.example/static/img/x.png)}";
    const result = hash(tree({ "css/app.css": source }), "https://cdn.example.com/static/");
    const h = result.get("img/x.png")!.hash;
    expect(text(result.get("css/app.css")!)).toBe(
      `a{b:url(https://cdn.example.com/static/img/x.${h}.png);c:url(/static/img/x.${h}.png);d:url(https://elsewhere.example/static/img/x.png)}`,
    );
  });

  it("keeps bytes that are not valid UTF-8 exactly as they were", () => {
    const source = Buffer.concat([
      Buffer.from("a{content:'"),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from("';b:url(x.png)}"),
    ]);
    const result = hash(tree({ "css/app.css": new Uint8Array(source) }));
    const h = result.get("css/x.png")!.hash;
    const expected = Buffer.concat([
      Buffer.from("a{content:'"),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(`';b:url(x.${h}.png)}`),
    ]);
    expect(Buffer.from(result.get("css/app.css")!.content).equals(expected)).toBe(true);
  });

  it("hashes a chain of 20,000 imports without overflowing the stack", () => {
    const files = new Map<string, Uint8Array>();
    const count = 20_000;
    for (let i = 0; i < count; i++) {
      files.set(`m/${i}.js`, utf8(i + 1 < count ? `import "./${i + 1}.js";` : "export {};"));
    }
    const result = hashFiles({ files, staticUrl: "/static/" });
    expect(text(result.get("m/0.js")!)).toBe(`import "./1.${result.get("m/1.js")!.hash}.js";`);
  });
});

describe("hashFiles with a missing reference", () => {
  it.each(missingCases)("fails on %s", (_name, file, source, message) => {
    const files = tree({ [file]: source });
    const snapshot = new Map(files);
    let error: unknown;
    try {
      hash(files);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingReferenceError);
    expect(error).toBeInstanceOf(StowageError);
    const missing = error as MissingReferenceError;
    expect(missing.code).toBe("E_MISSING_REFERENCE");
    expect(missing.status).toBe(500);
    expect(missing.message).toBe(message);
    expect(missing.file).toBe(file);
    expect(`${missing.file}:${missing.line}`).toBe(message.slice(0, message.indexOf(": ")));
    // The input is left as it was: nothing partial escapes a failed hashing.
    expect(files).toEqual(snapshot);
  });

  it("exposes what was looked for", () => {
    const files = tree({ "css/app.css": "a{b:url(../img/gone.png)}" });
    expect(() => hash(files)).toThrow(
      expect.objectContaining({ reference: "../img/gone.png", lookedFor: "img/gone.png", line: 1 }),
    );
  });
});
